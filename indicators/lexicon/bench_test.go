package lexicon

import (
	"github.com/redthread/redthread/internal/cputime"
	"strings"
	"testing"
)

// benchAd is a ~2 KB listing mixing languages and scripts.
var benchAd = func() string {
	parts := []string{
		"URGENTLY NEEDED! International company is looking for girls 18-25 for work abroad as hostess in Germany. ",
		"Free accommodation and meals, flight tickets paid, we arrange your visa. No experience and no language required. ",
		"Salary 3000€ per month, start tomorrow, only 3 places left! Write only on WhatsApp or Viber, send full-body photo. ",
		"Hitno potrebne devojke za rad u inostranstvu, besplatan smeštaj, počinje odmah. Javite se na Viber. ",
		"Терміново потрібні дівчата для роботи за кордоном, житло безкоштовне. Пишіть у Телеграм. ",
		"Ζητείται άμεσα προσωπικό για εργασία στην Ελλάδα, δωρεάν διαμονή και φαγητό. ",
		"Wir suchen ab sofort Mitarbeiter (m/w/d) für unsere Bäckerei in der Hauptstraße 5, GmbH, Vollzeit. ",
		"Cherchons jeunes filles pour travail à l'étranger, logement gratuit, billet d'avion payé. 🌹🌹 ✈️ 👑 24/7 ",
	}
	var b strings.Builder
	for b.Len() < 2048 {
		for _, p := range parts {
			b.WriteString(p)
		}
	}
	return b.String()[:2048]
}()

func BenchmarkMatch(b *testing.B) {
	l, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	text := strings.ToValidUTF8(benchAd, "")
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	cpu0 := cputime.Process()
	for b.Loop() {
		l.Match(text)
	}
	if cpu := cputime.Process() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// typicalAd is an ordinary ~2 KB job ad with few hits.
var typicalAd = func() string {
	p := "Our family-run bakery in the city centre is looking for a shop assistant to join the team. " +
		"You will serve customers, prepare coffee and sandwiches, keep the shop clean and handle the till. " +
		"We offer a permanent contract, 38 hours per week, paid holidays and staff discounts. " +
		"Experience in retail is welcome but not essential; training is provided. Please send your CV " +
		"and a short cover letter by e-mail. We look forward to hearing from you. "
	var b strings.Builder
	for b.Len() < 2048 {
		b.WriteString(p)
	}
	return b.String()[:2048]
}()

func BenchmarkMatchTypical(b *testing.B) {
	l, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(typicalAd)))
	b.ReportAllocs()
	cpu0 := cputime.Process()
	for b.Loop() {
		l.Match(typicalAd)
	}
	if cpu := cputime.Process() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

func BenchmarkAppendMatch(b *testing.B) {
	l, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	text := strings.ToValidUTF8(benchAd, "")
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	var hits []Hit
	cpu0 := cputime.Process()
	for b.Loop() {
		hits = l.AppendMatch(hits[:0], text)
	}
	if cpu := cputime.Process() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}
