package links

import (
	"slices"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
)

// Shared registries (cluster mode: package links/redisstore keeps the
// entries of many workers in Redis). A worker does not hold the whole
// registry: for each batch it fetches from the shared store every entry
// that shares a contact key, a MinHash band bucket or a photo with a
// listing of the batch, enters them and the batch into a registry made by
// NewShared — in their global order, the order the listings were
// submitted — and links the batch with the same code as a single-process
// scan (Link). Every entry that linking a listing can read is among the
// fetched ones, so the links, generic-key decisions and notes are the ones
// a registry holding everything would give.
//
// Entries entered with watch set count as linked earlier: Stale reports
// those whose links the batch changes, and the worker asks for them to be
// linked again (see package cluster).

// NewShared returns an empty registry to link one batch against entries of
// a shared store (cfg.Store is ignored). Its ordinal 0 is a placeholder
// that links nothing, so every real entry has an ordinal of at least 1.
func NewShared(cfg Config) (*Registry, error) {
	cfg.Store = nil
	r, err := New(cfg)
	if err != nil {
		return nil, err
	}
	r.insert(&Entry{})
	r.live[0] = false
	delete(r.byID, "")
	return r, nil
}

// PreparedEntry returns a copy of the entry Prepare made for f, with its
// full MinHash signature: what a shared store keeps. nil when f was not
// prepared (or was added already).
func (r *Registry) PreparedEntry(f *indicators.Features) *Entry {
	r.pmu.Lock()
	pr := r.pending[f]
	r.pmu.Unlock()
	if pr == nil {
		return nil
	}
	c := *pr.e
	c.Signature = slices.Clone(pr.e.Signature)
	return &c
}

// Insert enters an entry read from a shared store (another listing's) and
// returns its ordinal here. watch marks it as linked before: Stale reports
// it when a listing linked later changes its links. live false enters it
// as replaced by a later entry with the same ID. Entries must be entered
// (Insert, Add) in their global order.
func (r *Registry) Insert(e *Entry, watch, live bool) uint32 {
	r.mu.Lock()
	defer r.mu.Unlock()
	ord := r.insert(e)
	if watch {
		r.seen[ord] = 1
	}
	if !live {
		r.live[ord] = false
	}
	return ord
}

// ValidEntry reports whether an entry decoded from a store can be entered.
func ValidEntry(e *Entry) bool { return e != nil && e.ID != "" && e.valid() }

// IndexKeys returns the keys a shared store finds an entry by: its contact
// key hashes and the keys of its MinHash band buckets (none when its
// signature was made with other parameters).
func (r *Registry) IndexKeys(e *Entry) (contacts []uint64, bands []uint32) {
	return IndexKeys(r.p, e)
}

// IndexKeys returns the keys a shared store finds an entry by under the
// parameters p (Registry.IndexKeys).
func IndexKeys(p Params, e *Entry) (contacts []uint64, bands []uint32) {
	contacts = slices.Clone(e.Contacts)
	t := p.Template
	if len(e.Signature) == t.Bands*t.Rows && e.ShingleWords == t.ShingleWords {
		for b := range t.Bands {
			bands = append(bands, uint32(bandKey(e.Signature, b, t.Rows)))
		}
	}
	return contacts, bands
}

// HasPhotos reports whether an entry carries photo hashes.
func HasPhotos(e *Entry) bool {
	for _, p := range e.Photos {
		if len(p.Hashes) > 0 {
			return true
		}
	}
	return false
}

// Prepared reports whether l's features were prepared by this registry
// (for a caller that enters listings with Add in its own order).
func (r *Registry) Prepared(_ *corpus.Listing, f *indicators.Features) bool {
	r.pmu.Lock()
	defer r.pmu.Unlock()
	return r.pending[f] != nil
}

// PhotoRadius is the largest PDQ distance the registry searches photos
// within (its thresholds capped by the link parameters): a shared
// registry's photo lookups must return every entry within it.
func (r *Registry) PhotoRadius() int {
	return max(r.th.PDQGlobal, r.th.PDQDihedral, r.th.PDQRegion, r.th.PDQMask)
}

// PhotoQuery returns, in hex, the PDQ hashes a prepared listing's photos
// are searched with beyond those its entry stores: the 8 orientations of
// each whole photo (computed from its pixels, never stored).
func (r *Registry) PhotoQuery(f *indicators.Features) []string {
	r.pmu.Lock()
	pr := r.pending[f]
	r.pmu.Unlock()
	if pr == nil {
		return nil
	}
	var out []string
	for _, ph := range pr.photos {
		for _, h := range ph.set.Dihedral() {
			out = append(out, h.Hex())
		}
	}
	return out
}
