package cluster

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
	"github.com/redthread/redthread/links"
	"github.com/redthread/redthread/links/redisstore"
)

// batchLinker is the scanner's Linker for one batch of a worker: it
// prepares the batch's listings in a registry of its own (links.NewShared),
// and at the first Link writes their entries to Redis, takes a ticket,
// fetches every entry the batch can link to, enters everything in global
// order and links with the links package's own code. The scanner's
// end-of-scan relinking is not used (Stale returns nothing): listings
// scanned earlier whose links this batch changes are reported by Touched,
// and the worker queues them for relinking.
type batchLinker struct {
	ctx    context.Context // the batch's: bounds the Redis calls of setup
	st     *redisstore.Store
	reg    *links.Registry
	ordOf  map[*corpus.Listing]uint64
	relink bool   // the batch is a relink: entries are stored already; no touches
	ticket uint64 // relinks: taken when the batch was taken

	afterPut func([]*corpus.Listing) // tests

	mu    sync.Mutex
	added []addedListing

	once    sync.Once
	err     error
	global  []uint64 // local ordinal -> global ordinal (0: placeholder)
	watched map[uint32]bool
}

type addedListing struct {
	l   *corpus.Listing
	f   *indicators.Features
	ord uint64
}

func newBatchLinker(ctx context.Context, st *redisstore.Store, cfg links.Config, ordOf map[*corpus.Listing]uint64, relink bool, ticket uint64) (*batchLinker, error) {
	reg, err := links.NewShared(cfg)
	if err != nil {
		return nil, err
	}
	return &batchLinker{ctx: ctx, st: st, reg: reg, ordOf: ordOf, relink: relink, ticket: ticket, watched: map[uint32]bool{}}, nil
}

func (b *batchLinker) Prepare(ctx context.Context, l *corpus.Listing, f *indicators.Features) {
	b.reg.Prepare(ctx, l, f)
}

// Add records the listing; it is entered in global order at the first
// Link. The ordinal returned is not used by the scanner without relinking.
func (b *batchLinker) Add(l *corpus.Listing, f *indicators.Features) uint32 {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.added = append(b.added, addedListing{l: l, f: f, ord: b.ordOf[l]})
	return 0
}

func (b *batchLinker) Link(l *corpus.Listing, f *indicators.Features) {
	b.once.Do(func() { b.err = b.setup(b.ctx) })
	if b.err != nil {
		return
	}
	b.reg.Link(l, f)
}

// Stale returns nothing: the worker relinks through the relink queue.
func (b *batchLinker) Stale() []uint32 { return nil }

// Relink is not used (Stale returns nothing).
func (b *batchLinker) Relink(context.Context, *corpus.Listing, *indicators.Features, uint32) {}

// setup writes the batch's entries, takes the ticket, fetches the entries
// the batch can link to and enters everything in global order.
func (b *batchLinker) setup(ctx context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	var puts []redisstore.Put
	own := map[uint64]bool{}
	var contacts []uint64
	var bands []uint32
	var photos redisstore.PhotoKeys
	for _, a := range b.added {
		e := b.reg.PreparedEntry(a.f)
		if e == nil {
			return fmt.Errorf("listing %s was not prepared", a.l.ID)
		}
		c, bk := b.reg.IndexKeys(e)
		puts = append(puts, redisstore.Put{Ord: a.ord, Entry: e, Contacts: c, Bands: bk})
		contacts = append(contacts, c...)
		bands = append(bands, bk...)
		pk := redisstore.PhotoKeysOf(e)
		pk.AddPDQ(b.reg.PhotoQuery(a.f))
		photos.Blocks = append(photos.Blocks, pk.Blocks...)
		photos.PDQ = photos.PDQ || pk.PDQ
		photos.PHashOnly = photos.PHashOnly || pk.PHashOnly
		own[a.ord] = true
	}
	if !b.relink {
		t, err := b.st.PutAndTicket(ctx, puts)
		if err != nil {
			return err
		}
		b.ticket = t
		if b.afterPut != nil {
			ls := make([]*corpus.Listing, len(b.added))
			for i, a := range b.added {
				ls[i] = a.l
			}
			b.afterPut(ls)
		}
	}
	slices.Sort(contacts)
	slices.Sort(bands)
	slices.Sort(photos.Blocks)
	photos.Blocks = slices.Compact(photos.Blocks)
	cands, err := b.st.Candidates(ctx, slices.Compact(contacts), slices.Compact(bands), photos, b.reg.PhotoRadius())
	if err != nil {
		return err
	}
	var ords []uint64
	for o := range cands {
		if !own[o] {
			ords = append(ords, o)
		}
	}
	es, live, err := b.st.Entries(ctx, ords)
	if err != nil {
		return err
	}
	// Everything in global order: the batch's listings by Add, the others
	// by Insert, watched (linked before: Stale reports them when this batch
	// changes their links).
	slices.SortFunc(b.added, func(x, y addedListing) int { return cmpUint(x.ord, y.ord) })
	slices.Sort(ords)
	b.global = []uint64{0}
	i := 0
	for _, a := range b.added {
		for ; i < len(ords) && ords[i] < a.ord; i++ {
			b.insert(ords[i], es[ords[i]], live[ords[i]])
		}
		b.reg.Add(a.l, a.f)
		b.global = append(b.global, a.ord)
	}
	for ; i < len(ords); i++ {
		b.insert(ords[i], es[ords[i]], live[ords[i]])
	}
	return nil
}

func (b *batchLinker) insert(ord uint64, e *links.Entry, live bool) {
	local := b.reg.Insert(e, true, live)
	b.watched[local] = true
	b.global = append(b.global, ord)
}

// Touched returns the global ordinals of the listings scanned before whose
// links this batch changed (none for a relink batch).
func (b *batchLinker) Touched() []uint64 {
	if b.relink || b.err != nil || b.global == nil {
		return nil
	}
	var out []uint64
	for _, o := range b.reg.Stale() {
		if b.watched[o] && int(o) < len(b.global) {
			out = append(out, b.global[o])
		}
	}
	return out
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
