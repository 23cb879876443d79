package links

import (
	"context"
	"math/bits"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
)

// Streaming scans. A scanner that writes each result as soon as its batch
// is linked (instead of holding the whole input) links a listing against
// the listings entered so far. When a later listing links to one linked
// earlier — a shared contact, a reused photo, a copied template — or a key
// becomes generic, the earlier listing's links change: Link marks it, Stale
// returns the marked listings once the input has ended, and Relink links
// each again against the complete registry, which gives exactly the
// links a scan that held every listing would have given.

// Stale returns the ordinals (as returned by Add) of the listings linked by
// this process whose links changed after they were linked, ascending, and
// clears the marks.
func (r *Registry) Stale() []uint32 {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []uint32
	for i, w := range r.stale {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			out = append(out, uint32(i*64+b))
			w &^= 1 << b
		}
		r.stale[i] = 0
	}
	return out
}

// Relink links again the listing entered with ordinal ord, against every
// entry of the registry, into f: the listing's features extracted afresh
// (without links). Photos are hashed again (their hashes are not kept per
// listing beyond what the registry stores). It does nothing when ord is
// not this listing's entry.
func (r *Registry) Relink(ctx context.Context, l *corpus.Listing, f *indicators.Features, ord uint32) {
	r.Prepare(ctx, l, f)
	r.pmu.Lock()
	pr := r.pending[f]
	delete(r.pending, f)
	r.pmu.Unlock()
	if pr == nil {
		return
	}
	r.build()
	r.mu.RLock()
	defer r.mu.RUnlock()
	if int(ord) >= len(r.entries) || r.entries[ord].ID != l.ID {
		return
	}
	pr.e = r.entries[ord]
	r.link(l, pr, ord, f, false)
}
