package links

import (
	"fmt"
	"hash/fnv"
	"net/url"
	"slices"
	"strings"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
)

// Generic or large (issue 17). A key shared by many listings is either
// generic — it joins listings that otherwise have nothing in common (an
// agency switchboard across unrelated ads) — or large — one advertiser's
// many listings (a family reposted hundreds of times). Only the first is
// flood-controlled.
//
// Streaming: the decision and the group size in the notes are functions of
// the whole group, so every time a group beyond GenericLimit grows, every
// listing of it linked before is marked stale (changed) and revised at the
// end against the complete registry. The decision itself looks at the
// group's first Generic.Sample listings (input order), which are the same
// in a streaming and a one-batch scan.

// contextOf packs what a group's listings are compared on: kind and
// language (high half), site (low half).
func contextOf(l *corpus.Listing, f *indicators.Features) uint64 {
	site := strings.ToLower(strings.TrimSpace(l.Source))
	if site == "" && l.URL != "" {
		if u, err := url.Parse(l.URL); err == nil {
			site = strings.ToLower(u.Hostname())
		}
	}
	h := func(s string) uint32 {
		x := fnv.New32a()
		x.Write([]byte(s))
		return x.Sum32()
	}
	kl := h(f.Kind)<<24 | h(f.Language)&0xffffff
	return uint64(kl)<<32 | uint64(h(site))
}

// group is the decision on a contact shared by more than GenericLimit
// listings.
type group struct {
	postings int     // postings of the key when decided
	entries  int     // entries of the registry when decided
	size     int     // live listings sharing the key
	sampled  int     // listings examined
	share    float64 // share of them agreeing with the group
	generic  bool
}

// liveOrds returns the distinct live ordinals of postings, ascending.
func liveOrds[K uint32 | uint64](r *Registry, ps []posting[K]) []uint32 {
	out := make([]uint32, 0, len(ps))
	for _, p := range ps {
		if r.live[p.ord] {
			out = append(out, p.ord)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// group decides whether a contact key shared by more than GenericLimit
// listings is generic. Each time the group is found bigger than before,
// every listing of it linked earlier is marked: its evidence (group size,
// links) changes.
func (lk *linker) group(kind byte, key uint64, ps []posting[uint64]) group {
	r := lk.r
	k := [2]uint64{uint64(kind), key}
	r.gmu.Lock()
	g, ok := r.groups[k]
	r.gmu.Unlock()
	if ok && g.postings == len(ps) && g.entries == len(r.entries) {
		return g // nothing was added since: the same group (one batch's Links)
	}
	ords := liveOrds(r, ps)
	if len(ords) == 0 {
		return group{}
	}
	g = r.decide(ords)
	g.postings, g.entries = len(ps), len(r.entries)
	r.gmu.Lock()
	r.groups[k] = g
	r.gmu.Unlock()
	if lk.touch {
		last := ords[len(ords)-1]
		for _, o := range ords {
			lk.changed(o, last)
		}
	}
	return g
}

// decide examines the first Generic.Sample listings of a group: a listing
// agrees when it has the sample's most common kind and language, and its
// most common site or a text band shared with another sampled listing.
func (r *Registry) decide(ords []uint32) group {
	g := group{size: len(ords)}
	sample := ords[:min(len(ords), r.p.Generic.Sample)]
	g.sampled = len(sample)
	kl := map[uint32]int{}
	site := map[uint32]int{}
	bands := map[uint64]int{}
	t := r.p.Template
	n := t.Bands * t.Rows
	for _, o := range sample {
		c := r.entries[o].Context
		kl[uint32(c>>32)]++
		site[uint32(c)]++
		if r.hasSig[o] {
			for _, b := range bands16(r.sigs[int(o)*n:int(o+1)*n], t.Bands, t.Rows) {
				bands[b]++
			}
		}
	}
	mKL, mSite := mode(kl), mode(site)
	agree := 0
	for _, o := range sample {
		c := r.entries[o].Context
		if uint32(c>>32) != mKL {
			continue
		}
		ok := uint32(c) == mSite
		if !ok && r.hasSig[o] {
			for _, b := range bands16(r.sigs[int(o)*n:int(o+1)*n], t.Bands, t.Rows) {
				if bands[b] > 1 {
					ok = true
					break
				}
			}
		}
		if ok {
			agree++
		}
	}
	g.share = float64(agree) / float64(len(sample))
	g.generic = g.share < r.p.Generic.CoherentShare
	return g
}

// mode returns the most common key (the smallest among equals).
func mode(m map[uint32]int) uint32 {
	var best uint32
	bc := -1
	for k, c := range m {
		if c > bc || (c == bc && k < best) {
			best, bc = k, c
		}
	}
	return best
}

// bands16 returns the band keys of a 16-bit signature.
func bands16(sig []uint16, bands, rows int) []uint64 {
	out := make([]uint64, bands)
	for b := range bands {
		out[b] = bandKey(sig, b, rows)
	}
	return out
}

// genericKey adds the evidence of a contact found generic: the key, the
// group size and why.
func (r *Registry) genericKey(f *indicators.Features, ev corpus.Evidence, what string, g group) {
	ev.Note = fmt.Sprintf("%s shared by %d listings (more than %d) with nothing else in common: %.0f%% of the first %d share a kind, language and site or text (%.0f%% needed); treated as generic, not linked",
		what, g.size, r.p.GenericLimit, 100*g.share, g.sampled, 100*r.p.Generic.CoherentShare)
	f.Add(SourceGeneric, indicators.Span{Evidence: ev})
	f.Links.Generic++
}

// largeNote says why a key shared by more than GenericLimit listings was
// kept.
func (r *Registry) largeNote(what string, g group) string {
	return fmt.Sprintf("%s shared by %d listings (more than %d), kept as one advertiser's: %.0f%% of the first %d share a kind, language and site or text",
		what, g.size, r.p.GenericLimit, 100*g.share, g.sampled)
}

// bucketCoherent reports whether a band bucket bigger than
// Template.BucketLimit is one family's: enough of the pairs among its
// first BucketSample bodies (input order) are similar.
func (r *Registry) bucketCoherent(ps []posting[uint32]) bool {
	t := r.p.Template
	n := t.Bands * t.Rows
	var sample []uint32
	for _, o := range liveOrds(r, ps) {
		if r.hasSig[o] {
			sample = append(sample, o)
			if len(sample) == t.BucketSample {
				break
			}
		}
	}
	pairs, similar := 0, 0
	for i, a := range sample {
		for _, b := range sample[i+1:] {
			pairs++
			if jaccard16(r.sigs[int(a)*n:int(a+1)*n], r.sigs[int(b)*n:int(b+1)*n]) >= t.MinJaccard {
				similar++
			}
		}
	}
	return pairs > 0 && float64(similar) >= t.BucketCoherent*float64(pairs)
}

// jaccard16 is the share of equal positions of two 16-bit signatures.
func jaccard16(a, b []uint16) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	eq := 0
	for i := range a {
		if a[i] == b[i] {
			eq++
		}
	}
	return float64(eq) / float64(len(a))
}
