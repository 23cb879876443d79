package links

import (
	"slices"
	"testing"

	"github.com/redthread/redthread/corpus"
)

func TestGrouper(t *testing.T) {
	res := func(id string, score int, ind string, linked ...string) *corpus.Result {
		r := &corpus.Result{ID: id, Score: score, Language: "en", Kind: "job"}
		if ind != "" {
			r.Indicators = []corpus.Hit{{ID: ind, Linked: linked, Evidence: []corpus.Evidence{{Shared: "phone:+1" + id}}}}
		}
		return r
	}
	g := NewGrouper()
	for _, r := range []*corpus.Result{
		res("a", 10, "network.shared_contact", "b"),
		res("b", 80, "network.shared_contact", "a"),
		res("c", 30, "network.template_text", "b", "old"),
		res("d", 50, "job.urgency"),
		res("e", 20, "network.reused_photo", "f"),
		res("f", 20, "network.reused_photo", "e"),
	} {
		g.Add(r)
	}
	ns := g.Networks()
	if len(ns) != 2 {
		t.Fatalf("%d networks, want 2: %+v", len(ns), ns)
	}
	n := ns[0]
	if n.Size != 4 || !slices.Equal(n.Members, []string{"a", "b", "c", "old"}) || !slices.Equal(n.Unscanned, []string{"old"}) ||
		n.MaxScore != 80 || n.MaxScoreID != "b" || len(n.Shared) != 3 || n.Indicators[0].ID != "network.shared_contact" {
		t.Errorf("first network %+v", n)
	}
	if n := ns[1]; n.Size != 2 || !slices.Equal(n.Members, []string{"e", "f"}) || n.MaxScoreID != "e" {
		t.Errorf("second network %+v", n)
	}
}
