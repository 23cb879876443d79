package links

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
	"github.com/redthread/redthread/photohash"
)

// linkedBy records why another listing is linked: the shared key (for
// inconsistency evidence).
type linkedBy map[uint32]string

// Link fills f.Links and the links:* evidence of a listing entered with
// Add, against every live entry of the registry. It also notes which
// listings linked earlier in this scan see their own links change because
// of this one (Stale).
func (r *Registry) Link(l *corpus.Listing, f *indicators.Features) {
	r.build()
	r.pmu.Lock()
	pr, okP := r.pending[f]
	ord, okO := r.ordOf[f]
	delete(r.pending, f)
	delete(r.ordOf, f)
	r.pmu.Unlock()
	if !okP || !okO {
		return // not added: nothing to link
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	atomic.StoreUint32(&r.seen[ord], uint32(len(r.entries)))
	r.link(l, pr, ord, f, true)
}

// link links a prepared listing; touch says whether to note the listings
// whose links this one changes.
func (r *Registry) link(l *corpus.Listing, pr *prepared, ord uint32, f *indicators.Features, touch bool) {
	self := pr.e.ID
	near := linkedBy{}
	lk := linker{r: r, ord: ord, touch: touch}
	lk.contacts(pr, self, f, near)
	lk.photos(l, pr, self, f, near)
	lk.template(l, pr, self, f)
	r.linkInconsistent(pr.e, f, near)
	f.Links.CrossKind = r.crossKind(pr.e, near)
}

// crossKind counts the linked listings (by contact or photo) whose kind,
// job or escort, differs from e's.
func (r *Registry) crossKind(e *Entry, near linkedBy) int {
	if e.Kind != "job" && e.Kind != "escort" {
		return 0
	}
	n := 0
	for o := range near {
		if k := r.entries[o].Kind; k != e.Kind && (k == "job" || k == "escort") {
			n++
		}
	}
	return n
}

// linker is one Link call.
type linker struct {
	r     *Registry
	ord   uint32
	touch bool
	buf   []posting[uint64]
	buf32 []posting[uint32]
	aux   []posting[uint32] // for lookups while buf32 is in use
}

// changed notes that listing o, linked earlier, may see a different link
// set now that entries up to ordinal by are in the registry.
func (lk *linker) changed(o, by uint32) {
	if !lk.touch || int(o) >= len(lk.r.seen) {
		return
	}
	if s := atomic.LoadUint32(&lk.r.seen[o]); s != 0 && by >= s {
		atomic.OrUint64(&lk.r.stale[o/64], 1<<(o%64))
	}
}

// crossed notes, the first time a band bucket is found too large and
// incoherent (boilerplate), the listings whose links it carried: a pair
// of its similar bodies that shares no other usable bucket is no longer a
// candidate pair, so both see their links change. Every other member keeps
// its links (marking the whole bucket revised half of a 1M-listing scan).
// A bucket that crosses later is checked the same way, with this one
// counted out.
func (lk *linker) crossed(bk uint32, ps []posting[uint32]) {
	if !lk.touch {
		return
	}
	r := lk.r
	k := [2]uint64{'b', uint64(bk)}
	r.gmu.Lock()
	done := r.genericSeen[k]
	r.genericSeen[k] = true
	r.gmu.Unlock()
	if done {
		return
	}
	t := r.p.Template
	n := t.Bands * t.Rows
	var ords []uint32
	for _, o := range liveOrds(r, ps) {
		if r.hasSig[o] {
			ords = append(ords, o)
		}
	}
	if len(ords) == 0 {
		return
	}
	last := ords[len(ords)-1]
	// Only a listing linked before the whole bucket was in the registry
	// can see its links change: pairs are taken from them (none in a
	// one-batch scan, at most the bucket's size before this batch when
	// streaming).
	for _, a := range ords {
		if s := atomic.LoadUint32(&r.seen[a]); s == 0 || s > last {
			continue
		}
		sa := r.sigs[int(a)*n : int(a+1)*n]
		for _, b := range ords {
			if b == a {
				continue
			}
			sb := r.sigs[int(b)*n : int(b+1)*n]
			if jaccard16(sa, sb) < t.MinJaccard || lk.sharesUsableBand(sa, sb, bk) {
				continue
			}
			lk.changed(a, last)
			lk.changed(b, last)
		}
	}
}

// sharesUsableBand reports whether two 16-bit signatures fall in a common
// band bucket other than skip that still yields candidates (within
// BucketLimit, or a coherent family).
func (lk *linker) sharesUsableBand(a, b []uint16, skip uint32) bool {
	r := lk.r
	t := r.p.Template
	for j := range t.Bands {
		if !slices.Equal(a[j*t.Rows:(j+1)*t.Rows], b[j*t.Rows:(j+1)*t.Rows]) {
			continue
		}
		bk := uint32(bandKey(a, j, t.Rows))
		if bk == skip {
			continue
		}
		ps := r.bands.lookup(bk, lk.aux[:0])
		lk.aux = ps
		if len(ps) <= t.BucketLimit || r.bucketCoherent(ps) {
			return true
		}
	}
	return false
}

// other reports whether ordinal o is a live entry of another listing.
func (r *Registry) other(o, ord uint32, self string) bool {
	return o != ord && r.live[o] && r.entries[o].ID != self
}

// ids returns the sorted IDs of a set of ordinals.
func (r *Registry) ids(ords map[uint32]int) []string {
	out := make([]string, 0, len(ords))
	for o := range ords {
		out = append(out, r.entries[o].ID)
	}
	slices.Sort(out)
	return out
}

// generic adds the evidence of a key shared too widely to link.
// The count is not given: it grows as a scan goes on, and a listing's
// result must not depend on when in the scan it was linked.
func (r *Registry) generic(f *indicators.Features, ev corpus.Evidence, what string) {
	ev.Note = fmt.Sprintf("%s shared by more than %d listings: treated as generic, not linked", what, r.p.GenericLimit)
	f.Add(SourceGeneric, indicators.Span{Evidence: ev})
	f.Links.Generic++
}

func (lk *linker) contacts(pr *prepared, self string, f *indicators.Features, near linkedBy) {
	r, ord := lk.r, lk.ord
	all := map[uint32]int{}
	for i, c := range pr.contacts {
		ps := r.contacts.lookup(pr.e.Contacts[i], lk.buf[:0])
		lk.buf = ps
		ev := c.ev
		ev.Shared = c.key
		large := ""
		if len(ps) > r.p.GenericLimit {
			if g := lk.group('c', pr.e.Contacts[i], ps); g.size > r.p.GenericLimit {
				if g.generic {
					f.Links.GenericContact++
					r.genericKey(f, ev, "contact", g)
					continue
				}
				large = r.largeNote("contact", g)
			}
		}
		ords := map[uint32]int{}
		for _, p := range ps {
			if r.other(p.ord, ord, self) {
				lk.changed(p.ord, ord)
				ords[p.ord] = 0
				all[p.ord] = 0
				if _, ok := near[p.ord]; !ok {
					near[p.ord] = c.key
				}
			}
		}
		if len(ords) == 0 {
			continue
		}
		ev.Note = large
		f.Add(SourceSharedContact, indicators.Span{Evidence: ev, Linked: r.ids(ords)})
	}
	f.Links.SharedContacts = len(all)
}

func (lk *linker) photos(l *corpus.Listing, pr *prepared, self string, f *indicators.Features, near linkedBy) {
	r, ord := lk.r, lk.ord
	all := map[uint32]int{}
	for _, ph := range pr.photos {
		field := fmt.Sprintf("images[%d]", ph.image)
		name := imageName(l.Images[ph.image])
		key := ""
		if g, ok := ph.set.Global(photohash.AlgoPDQ); ok {
			key = "pdq:" + g.Hex()
		} else if g, ok := ph.set.Global(photohash.AlgoPHash); ok {
			key = "phash:" + g.Hex()
		}
		ev := corpus.Evidence{Field: field, Text: name, Shared: key}
		matches, err := r.hl.match(ph.set, r.listTh, r.p.Photo.PHashDistance)
		if err != nil {
			r.log.Debug("hash list match failed", "id", self, "err", err)
		}
		negative := false
		for _, m := range matches {
			negative = negative || m.Negative
		}
		if negative {
			continue // a stock photo or logo: neither a match nor a link
		}
		for _, m := range matches {
			d := m.Distance
			e := ev
			e.Distance = &d
			e.Note = "list " + m.List
			if m.Label != "" {
				e.Note += " (" + m.Label + ")"
			}
			e.Shared = m.Hash
			f.Add(SourceHashList, indicators.Span{Evidence: e})
			f.Links.HashList++
		}
		ords := map[uint32]int{} // listing -> best distance
		note := func(pid uint32, d int) {
			o := r.photoOwn[pid]
			if !r.other(o, ord, self) {
				return
			}
			if best, ok := ords[o]; !ok || d < best {
				ords[o] = d
			}
		}
		_, hasPDQ := ph.set.Global(photohash.AlgoPDQ)
		if hasPDQ {
			// Whole photo (8 orientations), crop windows both ways and masked hashes
			// (banners, logos, stickers, text), each kind in its own multi-index.
			ms, err := r.photoIx.SearchSet(ph.set, r.th)
			if err != nil {
				r.log.Debug("photo search failed", "id", self, "err", err)
			}
			for _, m := range ms {
				note(m.ID, m.Distance)
			}
		}
		if g, ok := ph.set.Global(photohash.AlgoPHash); ok {
			// pHash links photos only when one side has no PDQ (a hash given by the source).
			g.Pipeline = ""
			rs, _ := r.phash.Search(g, r.p.Photo.PHashDistance)
			for _, m := range rs {
				if !hasPDQ || !r.photoPDQ[m.ID] {
					note(m.ID, m.Distance)
				}
			}
		}
		if len(ords) == 0 {
			continue
		}
		for o := range ords {
			lk.changed(o, ord)
		}
		if len(ords)+1 > r.p.GenericLimit {
			r.generic(f, ev, "photo")
			continue
		}
		best := 256
		for o, d := range ords {
			best = min(best, d)
			all[o] = 0
			if _, ok := near[o]; !ok {
				near[o] = "photo " + field
			}
		}
		ev.Distance = &best
		f.Add(SourceReusedPhoto, indicators.Span{Evidence: ev, Linked: r.ids(ords)})
	}
	f.Links.ReusedPhotos = len(all)
}

// snippetBytes bounds the body text quoted in template evidence.
const snippetBytes = 80

func (lk *linker) template(l *corpus.Listing, pr *prepared, self string, f *indicators.Features) {
	r, ord := lk.r, lk.ord
	e := pr.e
	t := r.p.Template
	n := t.Bands * t.Rows
	if len(pr.sig) != n || e.ShingleWords != t.ShingleWords {
		return
	}
	cands := map[uint32]bool{}
	for b := range t.Bands {
		bk := uint32(bandKey(pr.sig, b, t.Rows))
		ps := r.bands.lookup(bk, lk.buf32[:0])
		lk.buf32 = ps
		if len(ps) > t.BucketLimit && !r.bucketCoherent(ps) {
			lk.crossed(bk, ps)
			continue // boilerplate shared by many unrelated bodies
		}
		for _, p := range ps {
			if r.other(p.ord, ord, self) {
				cands[p.ord] = true
			}
		}
	}
	// Every similar body is linked, at any family size: by different
	// advertisers as template reuse, else as a repost. (similarSpan sorts
	// each, most similar first.)
	var reuse, repost []hit
	for o := range cands {
		oe := r.entries[o]
		if !r.hasSig[o] {
			continue
		}
		sim := estimateJaccard16(pr.sig, r.sigs[int(o)*n:int(o+1)*n])
		if sim < t.MinJaccard {
			continue
		}
		lk.changed(o, ord)
		if advertiserDiffers(e, oe) {
			reuse = append(reuse, hit{oe.ID, o, sim})
		} else {
			repost = append(repost, hit{oe.ID, o, sim})
		}
	}
	if len(reuse)+len(repost) == 0 {
		return
	}
	end := len(l.Body)
	if end > snippetBytes {
		end = snippetBytes
		for end > 0 && !utf8.RuneStart(l.Body[end]) {
			end--
		}
	}
	ev := corpus.Evidence{Field: "body", Start: 0, End: end, Text: l.Body[:end], Shared: sketch(pr.sig)}
	if len(reuse) > 0 {
		sp := similarSpan(ev, reuse, "template reuse by other advertisers (other contacts or names)")
		lk.matched(l, pr, f, &sp, reuse[0].ord)
		f.Add(SourceTemplate, sp)
		f.Links.Templates = len(reuse)
	}
	if len(repost) > 0 {
		sp := similarSpan(ev, repost, "reposted by the same advertiser (a shared contact, or no contact or name tells them apart)")
		lk.matched(l, pr, f, &sp, repost[0].ord)
		f.Add(SourceRepost, sp)
		f.Links.Reposts = len(repost)
	}
}

// matched points a copied-text evidence at the words of the body that
// match the most similar listing's (o): the longest stretch of shared
// shingles, quoted up to snippetBytes (the opening of the body when no
// stretch is found).
func (lk *linker) matched(l *corpus.Listing, pr *prepared, f *indicators.Features, sp *indicators.Span, o uint32) {
	r := lk.r
	t := r.p.Template
	n := t.Bands * t.Rows
	start, end, ok := matchedRange(l, f, t.ShingleWords, pr.sig, pr.mins, r.sigs[int(o)*n:int(o+1)*n])
	if !ok {
		return
	}
	if end-start > snippetBytes {
		end = start + snippetBytes
		for end > start && !utf8.RuneStart(l.Body[end]) {
			end--
		}
	}
	sp.Start, sp.End, sp.Text = start, end, l.Body[start:end]
	sp.Note += "; the quoted words are the longest stretch matching " + r.entries[o].ID
}

// hit is a listing with a similar body.
type hit struct {
	id  string
	ord uint32
	sim float64
}

// similarSpan is one evidence for the body: every linked listing, the
// highest similarity, and the most similar listings' similarity in the
// note after what kind of link it is.
func similarSpan(ev corpus.Evidence, hits []hit, what string) indicators.Span {
	slices.SortFunc(hits, func(a, b hit) int {
		if a.sim != b.sim {
			return cmp.Compare(b.sim, a.sim)
		}
		return strings.Compare(a.id, b.id)
	})
	ids := make([]string, len(hits))
	var note strings.Builder
	note.WriteString(what)
	note.WriteString("; estimated Jaccard similarity: ")
	for i, h := range hits {
		ids[i] = h.id
		if i == maxDiffsShown {
			fmt.Fprintf(&note, "; and %d more", len(hits)-i)
		} else if i < maxDiffsShown {
			if i > 0 {
				note.WriteString(", ")
			}
			fmt.Fprintf(&note, "%s %.2f", h.id, h.sim)
		}
	}
	slices.Sort(ids)
	best := math.Round(hits[0].sim*100) / 100
	ev.Similarity = &best
	ev.Note = note.String()
	return indicators.Span{Evidence: ev, Linked: ids}
}

// advertiserDiffers reports whether two near-identical texts come from
// different advertisers: no shared contact, and different contacts or
// names (the same contact, or nothing to tell them apart, is the same
// advertiser reposting).
func advertiserDiffers(a, b *Entry) bool {
	for _, k := range a.Contacts {
		if slices.Contains(b.Contacts, k) {
			return false
		}
	}
	if len(a.Contacts)+len(b.Contacts) > 0 {
		return true
	}
	return !sameFolded(a.attrs().nameKeys, b.attrs().nameKeys)
}

func sameFolded(a, b []string) bool {
	x := slices.Sorted(slices.Values(a))
	y := slices.Sorted(slices.Values(b))
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// maxDiffsShown bounds the linked listings an inconsistency evidence
// describes in its text (all are in Linked).
const maxDiffsShown = 3

// linkInconsistent adds one evidence per shared key (contact or photo)
// whose linked listings disagree with this one: Linked lists them, Note
// names the differing fields, Text shows the first few differences.
func (r *Registry) linkInconsistent(e *Entry, f *indicators.Features, near linkedBy) {
	type group struct {
		ids, diffs []string
		fields     map[string]bool
	}
	groups := map[string]*group{}
	for o, key := range near {
		oe := r.entries[o]
		fields, diffs := r.differ(e, oe)
		if len(fields) == 0 {
			continue
		}
		g := groups[key]
		if g == nil {
			g = &group{fields: map[string]bool{}}
			groups[key] = g
		}
		g.ids = append(g.ids, oe.ID)
		g.diffs = append(g.diffs, oe.ID+": "+strings.Join(diffs, ", "))
		for _, fl := range fields {
			g.fields[fl] = true
		}
		f.Links.Inconsistent++
	}
	for _, key := range slices.Sorted(maps.Keys(groups)) {
		g := groups[key]
		slices.Sort(g.ids)
		slices.Sort(g.diffs) // each starts with its ID
		text := strings.Join(g.diffs[:min(len(g.diffs), maxDiffsShown)], "; ")
		if n := len(g.diffs) - maxDiffsShown; n > 0 {
			text += fmt.Sprintf("; and %d more", n)
		}
		var fields []string
		for _, fl := range []string{"name", "age", "location", "nationality"} {
			if g.fields[fl] {
				fields = append(fields, fl)
			}
		}
		f.Add(SourceInconsistent, indicators.Span{Evidence: corpus.Evidence{
			Field: "links", Text: text, Shared: key, Note: "differs: " + strings.Join(fields, ", ")}, Linked: g.ids})
	}
}

// differ compares the attributes of two linked listings and returns the
// names of the fields that disagree and a description of each. Names and
// nationality words are compared folded (case, accents); nationality words
// by their first four letters, so "colombiana" and "colombienne" agree;
// locations differ when they share no word.
func (r *Registry) differ(ea, eb *Entry) (fields, diffs []string) {
	a, b := ea.attrs(), eb.attrs()
	add := func(field, av, bv string) {
		fields = append(fields, field)
		diffs = append(diffs, field+" "+av+" vs "+bv)
	}
	if disjoint(a.nameKeys, b.nameKeys) {
		add("name", quoteList(a.Names), quoteList(b.Names))
	}
	if len(a.Ages) > 0 && len(b.Ages) > 0 {
		gap := 1000
		for _, x := range a.Ages {
			for _, y := range b.Ages {
				gap = min(gap, max(x-y, y-x))
			}
		}
		if gap >= r.p.Inconsistency.MinAgeGap {
			add("age", fmt.Sprint(a.Ages), fmt.Sprint(b.Ages))
		}
	}
	if disjoint(a.locWords, b.locWords) {
		add("location", strconv.Quote(a.Location), strconv.Quote(b.Location))
	}
	if disjoint(a.natStems, b.natStems) {
		add("nationality", quoteList(a.Nationality), quoteList(b.Nationality))
	}
	return fields, diffs
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

// disjoint reports whether two non-empty lists share no element.
func disjoint(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	for _, x := range a {
		if slices.Contains(b, x) {
			return false
		}
	}
	return true
}
