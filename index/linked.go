package index

import (
	"context"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
)

// Link kinds: what a linked listing shares with the one being read.
const (
	LinkContact  = "contact"
	LinkPhoto    = "photo"
	LinkTemplate = "template"
	LinkOther    = "other"
)

// Link is another listing connected to the one being read.
type Link struct {
	ID    string `json:"id"`
	Title string `json:"title,omitempty"`
	Score int    `json:"score"`
	Level string `json:"level,omitempty"`
	Kind  string `json:"kind,omitempty"`
	// Indexed is false when the scanner linked a listing the index does
	// not hold.
	Indexed bool `json:"indexed"`
	// Via says what is shared, one entry per shared key.
	Via []Via `json:"via"`
}

// Via is one reason for a link.
type Via struct {
	Kind      string `json:"kind"`                // LinkContact, LinkPhoto, LinkTemplate, LinkOther
	Key       string `json:"key,omitempty"`       // the shared contact or photo hash, when known
	Indicator string `json:"indicator,omitempty"` // the network indicator that reported it
}

// MaxLinks caps the links Linked returns.
const MaxLinks = 60

func linkKind(indicator string) string {
	switch indicator {
	case "network.shared_contact":
		return LinkContact
	case "network.reused_photo", "network.hash_list_match":
		return LinkPhoto
	case "network.template_text", "network.repost":
		return LinkTemplate
	}
	return LinkOther
}

// Linked returns the listings connected to r: those the scanner linked
// (network indicators) and those in the index that share one of its
// normalized contacts or photo hashes. The most risky come first.
func (x *Index) Linked(ctx context.Context, r *corpus.Result) ([]Link, error) {
	byID := map[string]*Link{}
	var order []string
	add := func(id string, v Via) {
		if id == "" || id == r.ID {
			return
		}
		l := byID[id]
		if l == nil {
			if len(order) >= MaxLinks {
				return
			}
			l = &Link{ID: id}
			byID[id] = l
			order = append(order, id)
		}
		for _, old := range l.Via {
			if old.Kind == v.Kind && old.Key == v.Key {
				return
			}
		}
		l.Via = append(l.Via, v)
	}
	for _, h := range r.Indicators {
		key := ""
		for _, e := range h.Evidence {
			if e.Shared != "" {
				key = e.Shared
				break
			}
		}
		for _, id := range h.Linked {
			add(id, Via{Kind: linkKind(h.ID), Key: key, Indicator: h.ID})
		}
	}
	// Listings in the index that share a contact or a photo.
	type shared struct{ field, kind, key string }
	var keys []shared
	for _, c := range r.Contacts {
		if c.Value != "" {
			keys = append(keys, shared{FieldContacts, LinkContact, strings.ToLower(c.Value)})
		}
	}
	seenPhoto := map[string]bool{}
	for _, p := range r.Photos {
		for _, h := range []string{p.PHash, p.PDQ} {
			if h != "" && !seenPhoto[strings.ToLower(h)] {
				seenPhoto[strings.ToLower(h)] = true
				keys = append(keys, shared{FieldPhotos, LinkPhoto, strings.ToLower(h)})
			}
		}
	}
	for _, k := range keys {
		tq := query.NewTermQuery(k.key)
		tq.SetField(k.field)
		sr := bleve.NewSearchRequestOptions(tq, MaxLinks, 0, false)
		res, err := x.b.SearchInContext(ctx, sr)
		if err != nil {
			return nil, errs.E("linked listings", errs.IO, err)
		}
		for _, h := range res.Hits {
			add(h.ID, Via{Kind: k.kind, Key: k.key})
		}
	}
	if len(order) == 0 {
		return nil, nil
	}
	sr := bleve.NewSearchRequestOptions(query.NewDocIDQuery(order), len(order), 0, false)
	sr.Fields = []string{fieldRaw}
	res, err := x.b.SearchInContext(ctx, sr)
	if err != nil {
		return nil, errs.E("linked listings", errs.IO, err)
	}
	for _, h := range res.Hits {
		hit := makeHit(h, false)
		l := byID[h.ID]
		l.Title, l.Score, l.Level, l.Kind, l.Indexed = hit.Title, hit.Score, hit.Level, hit.Kind, true
	}
	out := make([]Link, 0, len(order))
	for _, id := range order {
		out = append(out, *byID[id])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	return out, nil
}
