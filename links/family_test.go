package links

import (
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/redthread/redthread/corpus"
)

// familyResults builds a constructed repost family: one ad with the name,
// city, age, phone and price changed in each copy, one copy with a word
// edited, and one member whose text is not in the results.
func familyResults() []*corpus.Result {
	type copyOf struct{ name, city, age, phone, price string }
	copies := []copyOf{
		{"Jenny", "Leeds", "21", "07700 900111", "£120"},
		{"Anna", "Manchester", "22", "07700 900222", "£150"},
		{"Mira", "Leeds", "21", "07700 900333", "£120"},
		{"Sofia", "York", "23", "07700 900444", "£100"},
		{"Lena", "Hull", "24", "07700 900555", "£150"},
	}
	const ad = "Hello gentlemen, my name is %s and I am new in %s for a few days only. I am %s years old, " +
		"sweet, friendly and discreet, available day and night. Incalls in a private flat and outcalls to hotels. " +
		"Call me on %s, no withheld numbers. One hour %s."
	var out []*corpus.Result
	all := []string{"f0", "f1", "f2", "f3", "f4", "f5"}
	for i, c := range copies {
		body := fmt.Sprintf(ad, c.name, c.city, c.age, c.phone, c.price)
		if i == 3 {
			body = strings.Replace(body, "friendly", "playful", 1) // a word edit in one copy
		}
		id := all[i]
		var linked []string
		for _, o := range all {
			if o != id {
				linked = append(linked, o)
			}
		}
		hit := "network.template_text"
		if i == 2 {
			hit = "network.repost"
		}
		out = append(out, &corpus.Result{ID: id, Source: "site-" + c.city, PostedAt: fmt.Sprintf("2026-10-0%dT10:00:00Z", i+1),
			Indicators: []corpus.Hit{{ID: hit, Linked: linked, Evidence: []corpus.Evidence{{Shared: "minhash:00"}}}},
			Entities:   corpus.Entities{Names: []string{c.name}, Ages: []int{atoi(c.age)}},
			Listing:    &corpus.Listing{ID: id, Body: body, Location: c.city}})
	}
	// f5: scanned without --embed-listing.
	out = append(out, &corpus.Result{ID: "f5", Indicators: []corpus.Hit{{ID: "network.template_text", Linked: []string{"f0"}}}})
	return out
}

func atoi(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}

func TestTemplateFamilySlots(t *testing.T) {
	g := NewGrouper()
	for _, r := range familyResults() {
		g.Add(r)
	}
	// An unrelated pair linked by a contact: a network without a family.
	g.Add(&corpus.Result{ID: "c1", Indicators: []corpus.Hit{{ID: "network.shared_contact", Linked: []string{"c2"}}}})
	ns := g.Networks()
	if len(ns) != 2 || len(ns[0].Templates) != 1 || len(ns[1].Templates) != 0 {
		t.Fatalf("networks %+v: want a family in the first only", ns)
	}
	tf := ns[0].Templates[0]
	if tf.Size != 6 || tf.Aligned != 5 || !slices.Equal(tf.Members, []string{"f0", "f1", "f2", "f3", "f4", "f5"}) ||
		tf.FirstSeen != "2026-10-01T10:00:00Z" || tf.LastSeen != "2026-10-05T10:00:00Z" || len(tf.Sites) != 4 {
		t.Errorf("family %+v", tf)
	}
	wantTemplate := "Hello gentlemen, my name is [[slot 1]] and I am new in [[slot 2]] for a few days only. I am [[slot 3]] years old, " +
		"sweet, friendly and discreet, available day and night. Incalls in a private flat and outcalls to hotels. " +
		"Call me on [[slot 4]] no withheld numbers. One hour [[slot 5]]"
	if tf.Template != wantTemplate {
		t.Errorf("template\n%q\nwant\n%q", tf.Template, wantTemplate)
	}
	type want struct {
		kind   string
		values map[string]int
	}
	wants := []want{
		{"name", map[string]int{"Jenny": 1, "Anna": 1, "Mira": 1, "Sofia": 1, "Lena": 1}},
		{"location", map[string]int{"Leeds": 2, "Manchester": 1, "York": 1, "Hull": 1}},
		{"age", map[string]int{"21": 2, "22": 1, "23": 1, "24": 1}},
		{"contact", map[string]int{"07700 900111": 1, "07700 900222": 1, "07700 900333": 1, "07700 900444": 1, "07700 900555": 1}},
		{"price", map[string]int{"£120": 2, "£150": 2, "£100": 1}},
	}
	if len(tf.Slots) != len(wants) {
		t.Fatalf("%d slots, want %d: %+v", len(tf.Slots), len(wants), tf.Slots)
	}
	for i, w := range wants {
		s := tf.Slots[i]
		got := map[string]int{}
		for _, v := range s.Values {
			got[v.Value] = v.Count
		}
		if s.Slot != i+1 || s.Kind != w.kind || fmt.Sprint(got) != fmt.Sprint(w.values) || s.Distinct != len(w.values) {
			t.Errorf("slot %d: %+v, want kind %s values %v", i+1, s, w.kind, w.values)
		}
	}
}

// TestAlignFamily: the exported form gives the same family as Grouper.
func TestAlignFamily(t *testing.T) {
	rs := familyResults()
	tf := AlignFamily(DefaultParams(), rs)
	g := NewGrouper()
	for _, r := range rs {
		g.Add(r)
	}
	if want := g.Networks()[0].Templates[0]; fmt.Sprint(tf) != fmt.Sprint(want) {
		t.Errorf("AlignFamily %+v\nGrouper     %+v", tf, want)
	}
}

func TestAlign(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want []int32
	}{
		{"a b c d", "a b c d", []int32{0, 1, 2, 3}},
		{"a b c d", "a x c d", []int32{0, -1, 2, 3}},
		{"a b c d", "a b y z c d", []int32{0, 1, 4, 5}},
		{"a b c", "", []int32{-1, -1, -1}},
		{"Ça va, ÉTÉ", "ça va été", []int32{0, 1, 2}},
		{"call 07700 900111 now", "call +44 7700 900222 now", []int32{0, -1, 2}}, // a phone is one word
	} {
		var buf []uint16
		got := align(words(tc.a, 100), words(tc.b, 100), &buf)
		if !slices.Equal(got, tc.want) {
			t.Errorf("align(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

// BenchmarkAlignFamily aligns a family of 1,000 copies of a 2 KB text
// (each with its own name, city, price and phone, and a word edited),
// as `redthread networks` does for the benchmark's big family.
func BenchmarkAlignFamily(b *testing.B) {
	var base []string
	for rec := range corpus.DevSet() {
		if rec.Err == nil {
			base = append(base, strings.Fields(rec.Listing.Body)...)
		}
		if len(base) > 340 {
			break
		}
	}
	rs := make([]*corpus.Result, 1000)
	for i := range rs {
		ws := slices.Clone(base)
		ws[(i*7)%len(ws)] = "edited"
		body := fmt.Sprintf("My name is Nina%d, new in City%d. %s Rates from %d EUR. Call +44 7700 %06d.", i%50, i%20, strings.Join(ws, " "), 50+i%10*10, i)
		rs[i] = &corpus.Result{ID: fmt.Sprintf("m%04d", i), Entities: corpus.Entities{Names: []string{fmt.Sprintf("Nina%d", i%50)}},
			Listing: &corpus.Listing{Body: body, Location: fmt.Sprintf("City%d", i%20)}}
	}
	p := DefaultParams()
	var ru0, ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	b.ResetTimer()
	for range b.N {
		tf := AlignFamily(p, rs)
		if tf.Aligned != 1000 || len(tf.Slots) < 4 {
			b.Fatalf("family: %d aligned, %d slots", tf.Aligned, len(tf.Slots))
		}
	}
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := float64(ru1.Utime.Nano()+ru1.Stime.Nano()-ru0.Utime.Nano()-ru0.Stime.Nano()) / 1e9
	b.ReportMetric(cpu/float64(b.N), "cpu-s/op")
}
