package web

import (
	"context"
	"slices"
	"strings"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/links"
)

// maxFamily bounds the copies aligned for the listing page (the family's
// size is shown whole; a bigger family is aligned on its first copies).
const maxFamily = 200

// familyView is a listing's family of copied text as the listing page
// shows it: the template with each slot marked, and each slot's values.
type familyView struct {
	links.TemplateFamily
	Parts []familyPart // the template, cut at its slots
}

// familyPart is a run of template text, or a slot.
type familyPart struct {
	Text string
	Slot *links.Slot
}

// templateFamily aligns the listing's family of copied text (the listing
// and those linked to it by network.template_text or network.repost) from
// the indexed listings. nil when the listing has no copies.
func (s *Server) templateFamily(ctx context.Context, r *corpus.Result) *familyView {
	ids := []string{r.ID}
	for _, h := range r.Indicators {
		if h.ID == "network.template_text" || h.ID == "network.repost" {
			ids = append(ids, h.Linked...)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	if len(ids) < 2 {
		return nil
	}
	results := []*corpus.Result{r}
	for _, id := range ids {
		if len(results) >= maxFamily || ctx.Err() != nil {
			break
		}
		if id == r.ID {
			continue
		}
		if m, err := s.cfg.Index.Get(id); err == nil && m.Listing != nil {
			results = append(results, m)
		}
	}
	f := links.AlignFamily(links.DefaultParams(), results)
	if f.Template == "" {
		return nil
	}
	f.Size = max(f.Size, len(ids))
	v := &familyView{TemplateFamily: f}
	slots := map[int]*links.Slot{}
	for i := range f.Slots {
		slots[f.Slots[i].Slot] = &f.Slots[i]
	}
	rest := f.Template
	for rest != "" {
		i := strings.Index(rest, "[[slot ")
		if i < 0 {
			v.Parts = append(v.Parts, familyPart{Text: rest})
			break
		}
		j := strings.Index(rest[i:], "]]")
		if j < 0 {
			v.Parts = append(v.Parts, familyPart{Text: rest})
			break
		}
		if i > 0 {
			v.Parts = append(v.Parts, familyPart{Text: rest[:i]})
		}
		n := 0
		for _, c := range rest[i+len("[[slot ") : i+j] {
			if c < '0' || c > '9' {
				n = -1
				break
			}
			n = n*10 + int(c-'0')
		}
		if sl, ok := slots[n]; ok {
			v.Parts = append(v.Parts, familyPart{Slot: sl})
		} else {
			v.Parts = append(v.Parts, familyPart{Text: rest[i : i+j+2]})
		}
		rest = rest[i+j+2:]
	}
	return v
}

// slotTitle is a slot's hover text: its kind and values.
func slotTitle(sl *links.Slot) string {
	var b strings.Builder
	b.WriteString(sl.Kind)
	for i, v := range sl.Values {
		if i == 5 {
			b.WriteString(", …")
			break
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString(", ")
		}
		b.WriteString(v.Value)
	}
	return b.String()
}
