package index

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/redthread/redthread/corpus"
)

// synthAd is a template of a realistic ad: text with placeholders, and the
// phrases in it that are evidence for indicators.
type synthAd struct {
	lang, kind, country string
	title, body         string
	evidence            map[string][]string // indicator → phrases in body
}

var synthAds = []synthAd{
	{"en", "escort", "GR", "New in town!! Sweet {name} {age}",
		"Hi, I am {name}, {age} years old, new in town only this week. Available 24/7, call {phone}. Ask for my friend {name2} too. Fresh girls every week. Incall and outcall in {city}, discreet and clean.",
		map[string][]string{"service.movement": {"new in town", "only this week"}, "service.constant_availability": {"Available 24/7"}, "service.third_party": {"Ask for my friend"}}},
	{"en", "job", "GB", "Fruit picking in Spain – €{pay}/month, no experience",
		"Easy work picking strawberries near {city}. We arrange visa and tickets, free accommodation and meals. Passport kept by company for safety. Write only on WhatsApp {phone}. Urgent, start tomorrow!",
		map[string][]string{"job.travel_provided": {"We arrange visa and tickets"}, "job.document_retention": {"Passport kept by company"}, "job.urgency": {"start tomorrow"}}},
	{"en", "job", "IE", "Warehouse operative, {city}",
		"We are hiring warehouse operatives for our distribution centre in {city}. Shifts 6am–2pm, forklift licence an advantage, pay €{pay} per month gross, 25 days holiday. Apply via our careers page; call HR on {phone}.",
		map[string][]string{}},
	{"de", "job", "DE", "Erntehelfer (m/w/d) in {city} gesucht",
		"Wir suchen Erntehelfer für die Spargelsaison bei {city}. Tarifvertrag, Mindestlohn, Unterkunft gegen Miete. Bewerbung über unsere Webseite oder telefonisch unter {phone}.",
		map[string][]string{"job.high_risk_sector": {"Spargelsaison"}}},
	{"es", "escort", "ES", "Chicas nuevas cada semana en {city}",
		"Chicas nuevas cada semana, recién llegadas del este. Disponibles 24 horas. Sin condón. Pregunta por {name}. Tel {phone}.",
		map[string][]string{"service.third_party": {"Chicas nuevas cada semana"}, "service.unprotected": {"Sin condón"}, "service.constant_availability": {"Disponibles 24 horas"}}},
	{"hr", "job", "HR", "Posao u Njemačkoj, {pay} eura mjesečno",
		"Tražimo djevojke 18-25 za rad u inozemstvu. {pay} eura mjesečno bez iskustva. Smještaj besplatan. Javite se na {phone} ili Viber.",
		map[string][]string{"job.targeted_recruitment": {"Tražimo djevojke 18-25"}, "job.unrealistic_conditions": {"Smještaj besplatan"}}},
	{"ru", "job", "RU", "Работа в Европе, {pay} евро в месяц",
		"Срочно требуются девушки для работы за границей. Визу и билеты оформляем сами, жильё бесплатно. Опыт не нужен. Пишите в Telegram или звоните {phone}.",
		map[string][]string{"job.urgency": {"Срочно"}, "job.travel_provided": {"Визу и билеты оформляем сами"}}},
	{"fr", "job", "FR", "Aide à domicile, {city}",
		"Famille cherche aide à domicile, logée et nourrie, salaire {pay} euros par mois. Passeport conservé par l'employeur pendant le contrat. Contact {phone}.",
		map[string][]string{"job.document_retention": {"Passeport conservé par l'employeur"}, "job.high_risk_sector": {"aide à domicile"}}},
}

var (
	synthNames  = []string{"Anna", "Mila", "Sofia", "Elena", "Maria", "Daria", "Ivana", "Lena", "Nina", "Olga"}
	synthCities = []string{"Athens", "Madrid", "Berlin", "Zagreb", "Dublin", "Lyon", "Moscow", "Hamburg", "Valencia", "Split"}
	synthLevels = []string{"low", "medium", "high"}
)

// synthResults makes n scan results with embedded listings: realistic ad
// text in several languages, evidence at correct byte offsets, phones
// shared by small groups of listings.
func synthResults(n int, seed uint64) []corpus.Result {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]corpus.Result, n)
	for i := range out {
		ad := synthAds[rng.IntN(len(synthAds))]
		phone := fmt.Sprintf("+3069%08d", rng.IntN(n/3+1))
		rep := strings.NewReplacer("{name}", synthNames[rng.IntN(len(synthNames))], "{name2}", synthNames[rng.IntN(len(synthNames))],
			"{age}", fmt.Sprint(18+rng.IntN(10)), "{city}", synthCities[rng.IntN(len(synthCities))],
			"{pay}", fmt.Sprint(800+rng.IntN(30)*100), "{phone}", phone)
		l := &corpus.Listing{ID: fmt.Sprintf("syn-%07d", i), Source: "synth-" + ad.country, Kind: ad.kind,
			Title: rep.Replace(ad.title), Body: rep.Replace(ad.body), Country: ad.country, Language: ad.lang,
			PostedAt: base.Add(time.Duration(rng.IntN(365*24)) * time.Hour).Format(time.RFC3339)}
		r := corpus.Result{ID: l.ID, Kind: ad.kind, Language: ad.lang, Listing: l,
			Contacts: []corpus.Contact{{Type: "phone", Value: phone}}}
		score := 0
		for id, phrases := range ad.evidence {
			h := corpus.Hit{ID: id, Weight: 0.2}
			for _, p := range phrases {
				if at := strings.Index(l.Body, p); at >= 0 {
					h.Evidence = append(h.Evidence, corpus.Evidence{Field: "body", Start: at, End: at + len(p), Text: p})
				}
			}
			r.Indicators = append(r.Indicators, h)
			score += 20 + rng.IntN(10)
		}
		r.Score = min(score, 100)
		r.Level = synthLevels[min(r.Score/35, 2)]
		out[i] = r
	}
	return out
}
