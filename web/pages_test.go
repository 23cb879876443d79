package web

import (
	"fmt"
	"html/template"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/index"
)

// The listing page reads first: the marked ad text, then why it was
// flagged, then the review form, then the network.
func TestListingPageOrder(t *testing.T) {
	a := newApp(t, nil, "")
	c, _ := a.login(t, "ana")
	_, body, _ := get(t, c, a.srv.URL+"/listing/gr-esc-101")
	order := []string{`<h1`, `id="text"`, `class="ev"`, `id="why"`, `class="why-list"`, `id="review"`, `id="network"`}
	last := -1
	for _, s := range order {
		i := strings.Index(body, s)
		if i < 0 {
			t.Fatalf("listing page lacks %q", s)
		}
		if i < last {
			t.Errorf("%q comes before the element listed before it (order %v)", s, order)
		}
		last = i
	}
	// The why list is strongest first: weights in the page are descending.
	var ws []string
	for _, m := range regexp.MustCompile(`class="weight"[^>]*>\+([0-9.]+)<`).FindAllStringSubmatch(body, -1) {
		ws = append(ws, m[1])
	}
	if len(ws) < 3 || !slices.IsSortedFunc(ws, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("why-list weights %v, want at least 3, descending", ws)
	}
}

// The network view names listings by their titles, keys by a short label,
// and each key links to a search for it.
func TestNetworkView(t *testing.T) {
	a := newApp(t, nil, "")
	c, _ := a.login(t, "ana")
	_, body, _ := get(t, c, a.srv.URL+"/listing/gr-esc-101")
	i := strings.Index(body, `id="network"`)
	if i < 0 {
		t.Fatal("no network section")
	}
	net := body[i:]
	r, err := a.idx.Get("gr-esc-102")
	if err != nil {
		t.Fatal(err)
	}
	title := r.Listing.Title
	for _, s := range []string{
		`class="nodelabel"`, ShowControls(string([]rune(title)[:10])), // a node is named by its title
		`<text class="keylabel"`, `class="keygroup kg-contact"`,
		`href="/?f=contacts%3A`, // a key links to a search for it
		"shared with 2 listings",
	} {
		if !strings.Contains(net, s) {
			t.Errorf("network view lacks %q", s)
		}
	}
	if strings.Contains(net, `class="nodelabel">gr-esc-102`) {
		t.Error("a node is labelled by its raw ID")
	}
}

func TestBuildNetworkGroupsKeys(t *testing.T) {
	pdq := strings.Repeat("ab", 32)
	r := &corpus.Result{ID: "self", Kind: "escort", Level: "high", Score: 90,
		Photos: []corpus.Photo{{PHash: "c3c3e1f0f0e1c3c3", PDQ: pdq}}}
	links := []index.Link{
		{ID: "a", Title: "Anna 19", Level: "high", Kind: "escort", Indexed: true, Via: []index.Via{
			{Kind: index.LinkContact, Key: "phone:+306912345678"}, {Kind: index.LinkContact, Key: "+306912345678"},
			{Kind: index.LinkPhoto, Key: "pdq:" + pdq}, {Kind: index.LinkOther, Key: "phone:+306912345678"}}},
		{ID: "b", Title: "Job in Athens", Level: "medium", Kind: "job", Indexed: true, Via: []index.Via{
			{Kind: index.LinkContact, Key: "+306912345678"}, {Kind: index.LinkPhoto, Key: "c3c3e1f0f0e1c3c3"}}},
		{ID: "c", Title: "Lara", Level: "low", Kind: "escort", Indexed: true, Via: []index.Via{{Kind: index.LinkTemplate}}},
	}
	n := buildNetwork(r, links)
	type g struct {
		kind, label string
		members     int
	}
	var got []g
	for _, k := range n.Groups {
		got = append(got, g{k.Kind, k.Label, len(k.Members)})
	}
	want := []g{{"contact", "+306912345678", 2}, {"photo", "photo ababab…abab", 2}, {"template", "near-identical text", 1}}
	if !slices.Equal(got, want) {
		t.Errorf("groups %+v, want %+v", got, want)
	}
	if !n.Differ["a"] || n.Differ["b"] {
		t.Errorf("differ %v, want only a", n.Differ)
	}
	if len(n.Graph.Nodes) != 4 || !n.Graph.Nodes[0].Self || n.Graph.Nodes[1].Label != "Anna 19" {
		t.Errorf("nodes %+v", n.Graph.Nodes)
	}
	// Rows never overlap.
	for i := 1; i < len(n.Graph.Nodes); i++ {
		if n.Graph.Nodes[i].Y-n.Graph.Nodes[i-1].Y < 20 {
			t.Errorf("nodes %d and %d overlap", i-1, i)
		}
	}
	if n.Graph.Height < n.Graph.Nodes[len(n.Graph.Nodes)-1].Y {
		t.Error("last node outside the drawing")
	}
}

// An empty query lists the newest first; near-identical listings are
// folded into one card; a phone number of the query is marked.
func TestSearchPageOrderGroupsAndMarks(t *testing.T) {
	a := newApp(t, nil, "")
	c, _ := a.login(t, "ana")
	_, body, _ := get(t, c, a.srv.URL+"/")
	if !strings.Contains(body, `<option value="date" selected>newest first</option>`) {
		t.Error("empty query: sort menu does not show newest first")
	}
	var dates []string
	for _, m := range regexp.MustCompile(`<li class="hit level-\w+">\s*<div class="hit-head">[\s\S]*?· (\d{4}-\d\d-\d\d)`).FindAllStringSubmatch(body, -1) {
		dates = append(dates, m[1])
	}
	if len(dates) < 4 || !slices.IsSortedFunc(dates, func(a, b string) int { return strings.Compare(b, a) }) {
		t.Errorf("empty query: cards dated %v, want newest first", dates)
	}
	// rs-job-301 and hr-job-302 share a template: one card, one folded.
	_, body, _ = get(t, c, a.srv.URL+"/?f=kind:job&sort=score")
	i := strings.Index(body, `<details class="similar">`)
	if i < 0 {
		t.Fatal("template-linked listings are not folded into one card")
	}
	folded := body[i:]
	folded = folded[:strings.Index(folded, "</details>")]
	if strings.Count(folded, `class="hit-title"`) != 1 || !strings.Contains(folded, "/listing/hr-job-302") {
		t.Errorf("folded part: %s", folded)
	}
	if n := strings.Count(body, `href="/listing/rs-job-301"`); n != 1 {
		t.Errorf("rs-job-301 shown %d times", n)
	}
	_, body, _ = get(t, c, a.srv.URL+"/?q=%2B44+7700+900123")
	if !strings.Contains(body, "phone <mark>") {
		t.Error("phone search: the matching phone is not marked")
	}
}

func TestMarkPhones(t *testing.T) {
	phones := []string{"+447700900123"}
	tests := []struct {
		in   string
		want []string // marked texts
	}{
		{"Call 07700 900123 today", []string{"07700 900123"}},
		{"Call +44 7700 900123.", []string{"+44 7700 900123"}},
		{"WhatsApp 7700-900-123 or 07700 900999", []string{"7700-900-123"}},
		{"Room 12, 2024 prices, 900 123", nil},
		{"no digits", nil},
	}
	for _, tt := range tests {
		var got []string
		var text strings.Builder
		for _, p := range markPhones([]index.Part{{Text: tt.in}}, phones) {
			text.WriteString(p.Text)
			if p.Mark {
				got = append(got, p.Text)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q: marked %q, want %q", tt.in, got, tt.want)
		}
		if text.String() != tt.in {
			t.Errorf("%q: text changed to %q", tt.in, text.String())
		}
	}
}

func TestGroupSimilar(t *testing.T) {
	hits := []hitView{{Hit: index.Hit{ID: "a"}}, {Hit: index.Hit{ID: "b"}}, {Hit: index.Hit{ID: "c"}}, {Hit: index.Hit{ID: "d"}}}
	out := groupSimilar(hits, map[string][]string{"d": {"b"}, "c": {"x"}})
	var ids []string
	for _, h := range out {
		s := h.ID
		for _, o := range h.Similar {
			s += "+" + o.ID
		}
		ids = append(ids, s)
	}
	if want := []string{"a", "b+d", "c"}; !slices.Equal(ids, want) {
		t.Errorf("groups %v, want %v", ids, want)
	}
}

// A template excerpt cut at a byte count is marked to the end of its word.
func TestMarkTemplateExcerptWholeWords(t *testing.T) {
	body := "Join our team building logistics software. Three years of Go experience, knowledge of PostgreSQL."
	cut := strings.Index(body, "knowled") + len("knowled")
	r := &corpus.Result{ID: "x", Listing: &corpus.Listing{Body: body}, Indicators: []corpus.Hit{{ID: "network.template_text",
		Evidence: []corpus.Evidence{{Field: "body", Start: 0, End: cut, Text: body[:cut], Shared: "minhash:abc"}}}}}
	fields, _ := MarkEvidence(r)
	var marked string
	for _, f := range fields {
		for _, sg := range f.Segments {
			if len(sg.Indicators) > 0 {
				marked += sg.Text
			}
		}
	}
	if !strings.HasSuffix(marked, "knowledge") {
		t.Errorf("marked %q, want it to end with the whole word knowledge", marked)
	}
}

// The audit log names listings by title next to their IDs, and its cells
// carry labels for the stacked phone layout.
func TestAuditShowsTitles(t *testing.T) {
	a := newApp(t, nil, "")
	c, csrf := a.login(t, "ana")
	if code, _, _ := post(t, c, a.srv.URL+"/listing/uk-job-201/review", url.Values{"status": {"escalated"}, "csrf": {csrf}}); code != 200 && code != 303 {
		t.Fatalf("review: %d", code)
	}
	r, err := a.idx.Get("uk-job-201")
	if err != nil {
		t.Fatal(err)
	}
	admin, _ := a.login(t, "root") // the whole audit log is for admins
	_, body, _ := get(t, admin, a.srv.URL+"/audit")
	for _, s := range []string{`<a href="/listing/uk-job-201" dir="auto">` + template.HTMLEscapeString(ShowControls(r.Listing.Title)) + `</a>`,
		`<code>uk-job-201</code>`, `data-label="Listing"`} {
		if !strings.Contains(body, s) {
			t.Errorf("audit page lacks %q", s)
		}
	}
}

// The listing page shows the listing's family of copied text: the template
// the copies share, with the places they differ marked as slots, and the
// values found in each slot.
func TestListingShowsTemplateFamily(t *testing.T) {
	text := "Hello gentlemen, I am %s, new in town for a few days only. Sweet, discreet and always on time. Call me on %s, no withheld numbers, no texts after midnight please."
	people := [][2]string{{"Mira", "+44 7700 900101"}, {"Lana", "+44 7700 900202"}, {"Kira", "+44 7700 900303"}}
	ids := []string{"fam-1", "fam-2", "fam-3"}
	a := newApp(t, nil, "")
	var rs []corpus.Result
	for i, p := range people {
		var linked []string
		for j, id := range ids {
			if j != i {
				linked = append(linked, id)
			}
		}
		rs = append(rs, corpus.Result{ID: ids[i], Kind: "escort", Level: "medium", Score: 40,
			Indicators: []corpus.Hit{{ID: "network.template_text", Weight: 0.6, Linked: linked,
				Evidence: []corpus.Evidence{{Field: "body", Start: 0, End: 5, Text: "Hello"}}}},
			Listing: &corpus.Listing{ID: ids[i], Kind: "escort", Title: "New in town", Body: fmt.Sprintf(text, p[0], p[1])}})
	}
	if err := a.idx.Put(rs); err != nil {
		t.Fatal(err)
	}
	c, _ := a.login(t, "ana")
	_, body, _ := get(t, c, a.srv.URL+"/listing/fam-2")
	for _, want := range []string{"Text template: 3 copies", `<mark class="slot"`, "Mira", "Kira", "always on time"} {
		if !strings.Contains(body, want) {
			t.Errorf("listing page lacks %q", want)
		}
	}
	if strings.Count(body, `<mark class="slot"`) < 2 {
		t.Errorf("want a slot for the name and one for the number:\n%s", body[strings.Index(body, "Text template"):][:2000])
	}
}
