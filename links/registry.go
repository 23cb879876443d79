// Package links connects listings across a scan and across scans: shared
// contacts, reused photos, copied text templates, known photo hashes and
// the inconsistencies between linked listings (the network.* indicators of
// INDICATORS.md).
//
// A Registry implements the scanner's Linker: Prepare hashes a listing's
// photos and text (concurrently, one listing per call), Add enters the
// listing into the registry (serially, in input order), Link looks the
// listing up against every entry of the registry — the batch and, with a
// Store, every earlier batch — and fills the listing's link features and
// evidence. The registry keeps hashes, contact key hashes, names, ages,
// location and nationality words; never texts or photos.
//
// Links are deterministic: evidence is sorted and linked IDs are sorted.
// A contact shared by more listings than Params.GenericLimit is examined:
// generic (a switchboard: its listings have nothing else in common) links
// nothing and says so in a links:generic note with the group size; large
// (one advertiser's many listings) links them all. A photo shared by more
// is generic (a stock photo). Text templates link pair by pair at any
// family size; only boilerplate band buckets are skipped.
//
// What links listings:
//
//   - Contacts: normalized phones, e-mails and messenger handles from the
//     extractor; a handle that is a phone number ("whatsapp:+4477…") is
//     that phone, counted once.
//   - Photos: images[].path is decoded safely and hashed by package
//     photohash (whole-photo PDQ in 8 orientations, masked PDQs for banners,
//     logos, stickers and text, crop-window PDQs, pHash); matches use
//     photohash's measured thresholds, capped by the photo search radii of
//     params.yaml, through its per-kind multi-index SetIndex, so search
//     stays sub-linear. images[].phash given by the source is matched by
//     pHash distance. Photos are never kept, only hashes with algorithm and
//     pipeline version.
//   - Templates: MinHash over word shingles of the body (lower-cased;
//     digits, contacts, names and ages masked) with banded LSH, verified by
//     the estimated Jaccard similarity; copies by different advertisers
//     (other contacts or names) are template reuse (links:template_text),
//     copies that share a contact or that nothing tells apart are reposts
//     by the same advertiser (links:repost).
//   - Hash lists: CSV lists of known hashes (HashList); rows labelled
//     "negative" suppress matches and links for that photo.
//   - Inconsistencies: listings linked by a contact or photo that disagree
//     on name, age, location or nationality.
//
// Parameters live in params.yaml (embedded; LoadParams overrides). With a
// FileStore (OpenDir) the registry persists in DIR/links.jsonl, one JSON
// Entry per line appended after each scan, and is reloaded by New, so a
// later batch links to earlier ones. Grouper turns scan results into
// networks (connected components of linked listings).
package links

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"log/slog"
	"slices"
	"strings"
	"sync"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
	"github.com/redthread/redthread/photohash"
)

// Evidence sources the Registry fills (rules cite them).
const (
	SourceSharedContact = "links:shared_contact"
	SourceReusedPhoto   = "links:reused_photo"
	SourceTemplate      = "links:template_text"
	SourceInconsistent  = "links:inconsistent_info"
	SourceHashList      = "links:hash_list"
	SourceGeneric       = "links:generic"
	SourceRepost        = "links:repost"
)

// Config configures a Registry. The zero value works: default parameters
// and thresholds, memory only, no hash lists.
type Config struct {
	Params     *Params               // nil: DefaultParams
	Thresholds *photohash.Thresholds // nil: photohash.DefaultThresholds; capped by Params.Photo.Search*
	Limits     *photohash.Limits     // nil: photohash.DefaultLimits
	HashList   *HashList             // nil: no hash lists
	Store      Store                 // nil: memory only
	Log        *slog.Logger
}

// Registry links listings. Prepare may run concurrently with other
// Prepare calls and Link with other Link calls; Add must not run
// concurrently with Link (the scanner runs every Add of a batch, then its
// Links).
type Registry struct {
	p      Params
	th     photohash.Thresholds // the registry's search radii: Thresholds capped by Params.Photo.Search*
	listTh photohash.Thresholds // uncapped, for hash lists (small; hashes from other PDQ tools)
	lim    photohash.Limits
	hl     *HashList
	store  Store
	log    *slog.Logger
	ignNat map[string]bool

	pmu     sync.Mutex
	pending map[*indicators.Features]*prepared
	ordOf   map[*indicators.Features]uint32

	imu  sync.Mutex
	held map[string]*heldImage // images fetched by the crawler, by URL

	mu       sync.RWMutex
	entries  []*Entry
	live     []bool
	byID     map[string]uint32
	contacts postings[uint64]
	bands    postings[uint32]
	// sigs holds each entry's MinHash signature, Bands*Rows values of 16
	// bits (the low half of each 32-bit value: b-bit MinHash; equal
	// values by chance 1 in 65,536), and hasSig whether it has one.
	sigs     []uint16
	hasSig   []bool
	photoIx  *photohash.SetIndex // PDQ hashes of photos: whole photo, crop windows, masks
	phash    *photohash.Index
	oldPhoto int      // stored photos hashed by another photohash pipeline (not indexed)
	photoOwn []uint32 // photo ordinal -> entry ordinal
	photoPDQ []bool   // photo has PDQ hashes
	staged   *stage   // with a Store: unsaved entries encoded on disk, until Flush
	closed   bool

	// Streaming: seen[o] is the registry's size when entry o was linked
	// (0: not linked by this process); stale marks linked entries whose
	// links changed since (see Stale).
	seen        []uint32
	stale       []uint64
	gmu         sync.Mutex
	genericSeen map[[2]uint64]bool  // keys found generic (kind, key)
	groups      map[[2]uint64]group // contacts shared beyond GenericLimit (kind, key): last decision
}

// prepared is what Prepare computed for one listing.
type prepared struct {
	e        *Entry
	sig      []uint32     // the body's full MinHash signature (nil: none)
	mins     []uint64     // the shingle giving each value of sig
	contacts []contactKey // parallel to e.Contacts
	photos   []photoRef   // parallel to e.Photos
}

type contactKey struct {
	key string // "phone:+44...", "email:...", "handle:telegram:..."
	ev  corpus.Evidence
}

type photoRef struct {
	image int // index into Listing.Images
	set   photohash.Set
}

// New builds a Registry and loads the Store's entries.
func New(cfg Config) (*Registry, error) {
	r := &Registry{p: DefaultParams(), th: photohash.DefaultThresholds(), lim: photohash.DefaultLimits,
		hl: cfg.HashList, store: cfg.Store, log: cfg.Log,
		pending: map[*indicators.Features]*prepared{}, ordOf: map[*indicators.Features]uint32{},
		byID: map[string]uint32{}, genericSeen: map[[2]uint64]bool{}, groups: map[[2]uint64]group{}}
	if cfg.Params != nil {
		if err := cfg.Params.check(); err != nil {
			return nil, fmt.Errorf("link parameters: %w", err)
		}
		r.p = *cfg.Params
	}
	if cfg.Thresholds != nil {
		r.th = *cfg.Thresholds
	}
	r.listTh = r.th
	r.th.PDQGlobal = min(r.th.PDQGlobal, r.p.Photo.SearchGlobal)
	r.th.PDQRegion = min(r.th.PDQRegion, r.p.Photo.SearchRegion)
	r.th.PDQMask = min(r.th.PDQMask, r.p.Photo.SearchMask)
	r.th.PDQDihedral = min(r.th.PDQDihedral, r.p.Photo.SearchDihedral)
	if cfg.Limits != nil {
		r.lim = *cfg.Limits
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	r.ignNat = map[string]bool{}
	for _, w := range r.p.Inconsistency.NationalityIgnore {
		r.ignNat[fold(w)] = true
	}
	r.photoIx = photohash.NewSetIndex()
	r.phash, _ = photohash.NewIndex(photohash.AlgoPHash)
	if r.store != nil {
		n := 0
		err := r.store.Load(func(e *Entry) error {
			r.insert(e)
			n++
			return nil
		})
		if err != nil {
			return nil, err
		}
		if fs, ok := r.store.(*FileStore); ok && fs.Skipped > 0 {
			r.log.Warn("link registry: skipped unreadable entries", "count", fs.Skipped)
		}
		if r.oldPhoto > 0 {
			r.log.Warn("link registry: photos hashed by an earlier photohash pipeline are not linked by PDQ (photos are not kept, so they cannot be re-hashed; scan their listings again to relink them)",
				"photos", r.oldPhoto, "pipeline", photohash.Pipeline)
		}
		r.log.Debug("link registry loaded", "entries", n)
	}
	return r, nil
}

// Len returns the number of entries in the registry.
func (r *Registry) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.entries)
}

// keyHash is the stored form of a contact key.
func keyHash(key string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(key))
	return h.Sum64()
}

// contactKeys returns the listing's distinct linkable contact keys:
// phones, e-mails and messenger handles; a handle that is a phone number
// ("whatsapp:+4477...") is the phone.
func contactKeys(f *indicators.Features) []contactKey {
	var out []contactKey
	seen := map[string]int{}
	for _, sp := range f.Spans["contacts:all"] {
		typ, val, ok := strings.Cut(sp.Shared, ":")
		if !ok || val == "" {
			continue
		}
		switch typ {
		case "phone", "email":
		case "handle":
			if _, num, ok := strings.Cut(val, ":"); ok && strings.HasPrefix(num, "+") {
				typ, val = "phone", num
			}
		default:
			continue
		}
		key := typ + ":" + val
		if i, ok := seen[key]; ok {
			if typ == "phone" && sp.Shared == key && out[i].ev.Shared != key {
				out[i].ev = sp.Evidence // prefer the number itself as evidence
			}
			continue
		}
		seen[key] = len(out)
		out = append(out, contactKey{key: key, ev: sp.Evidence})
	}
	return out
}

// nationality returns the folded nationality words of the listing's
// service.ethnic_emphasis evidence.
func (r *Registry) nationality(f *indicators.Features) []string {
	var out []string
	for _, sp := range f.Spans["terms:service.ethnic_emphasis"] {
		for _, w := range strings.Fields(fold(sp.Text)) {
			if !r.ignNat[w] && !slices.Contains(out, w) {
				out = append(out, w)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Prepare hashes the listing's photos and body and records what Add and
// Link need. Unreadable photos become a warning and a Photo with Error;
// the listing is still linked by everything else.
func (r *Registry) Prepare(ctx context.Context, l *corpus.Listing, f *indicators.Features) {
	// Strings are cloned: a name found in the body is a slice of it, and the
	// registry must not keep listing texts alive.
	pr := &prepared{e: &Entry{ID: strings.Clone(l.ID), Kind: f.Kind}}
	e := pr.e
	pr.contacts = contactKeys(f)
	for _, c := range pr.contacts {
		e.Contacts = append(e.Contacts, keyHash(c.key))
	}
	a := &Attrs{}
	for _, n := range f.Out.Names {
		a.Names = append(a.Names, strings.Clone(n))
	}
	a.Ages = append([]int(nil), f.Out.Ages...)
	a.Location = strings.Clone(fold(l.Location))
	a.Nationality = r.nationality(f)
	if len(a.Names)+len(a.Ages)+len(a.Nationality) > 0 || a.Location != "" {
		e.Attrs = a
	}
	e.Context = contextOf(l, f)
	t := r.p.Template
	if sig, mins := bodySignature(l, f, t.ShingleWords, t.MinShingles, t.Bands*t.Rows); sig != nil {
		e.Signature = sig
		e.ShingleWords = t.ShingleWords
		pr.sig, pr.mins = sig, mins
	}
	for i, img := range l.Images {
		if ctx.Err() != nil {
			break
		}
		ph, set, err := r.hashImage(img)
		if ph.URL == "" && ph.Path == "" && ph.PHash == "" && err == nil {
			continue // nothing to hash
		}
		if err != nil {
			ph.Error = err.Error()
			f.Out.Warnings = append(f.Out.Warnings, fmt.Sprintf("listing %s: images[%d] %s: %v", l.ID, i, imageName(img), err))
		}
		f.Out.Photos = append(f.Out.Photos, ph)
		if len(set.Hashes) == 0 {
			continue
		}
		pe := PhotoEntry{Ref: imageName(img), Hashes: make([]string, 0, len(set.Hashes))}
		g, hasPDQ := set.Global(photohash.AlgoPDQ)
		for _, h := range set.Hashes {
			// A featureless photo (whole-photo quality below min_quality) is compared with
			// nothing: none of its PDQ hashes are kept.
			if h.Algo == photohash.AlgoPHash || (hasPDQ && g.Quality >= r.th.MinQuality) {
				pe.Hashes = append(pe.Hashes, h.String())
				pe.Pipeline = h.Pipeline
			}
		}
		e.Photos = append(e.Photos, pe)
		pr.photos = append(pr.photos, photoRef{image: i, set: set})
	}
	r.pmu.Lock()
	r.pending[f] = pr
	r.pmu.Unlock()
}

// imageName is how evidence and warnings name an image: its path, else its
// URL.
func imageName(img corpus.Image) string {
	if img.Path != "" {
		return img.Path
	}
	return img.URL
}

// hashImage hashes a local image file, or takes the pHash the source gave
// (also when the file cannot be read: then the error is returned with the
// given hash in the Set).
func (r *Registry) hashImage(img corpus.Image) (corpus.Photo, photohash.Set, error) {
	ph := corpus.Photo{URL: img.URL, Path: img.Path}
	if img.Path == "" && img.URL != "" {
		if res, ok := r.takeHeld(img.URL); ok {
			return res.photo, res.set, res.err
		}
	}
	if img.Path != "" {
		set, err := photohash.HashFile(img.Path, r.lim)
		if err != nil {
			if img.PHash != "" { // the file is unreadable: fall back to the source's hash
				gph, gset, gerr := r.hashImage(corpus.Image{URL: img.URL, PHash: img.PHash})
				if gerr == nil {
					gph.Path = img.Path
					return gph, gset, err
				}
			}
			return ph, set, err
		}
		if g, ok := set.Global(photohash.AlgoPDQ); ok {
			ph.PDQ, ph.Quality, ph.Pipeline = g.Hex(), g.Quality, g.Pipeline
		}
		if g, ok := set.Global(photohash.AlgoPHash); ok {
			ph.PHash = g.Hex()
		}
		return ph, set, nil
	}
	if img.PHash != "" {
		h, err := photohash.ParseHex(photohash.AlgoPHash, strings.ToLower(strings.TrimSpace(img.PHash)))
		if err != nil {
			return ph, photohash.Set{}, fmt.Errorf("given phash: %w", err)
		}
		h.Quality = 100
		ph.PHash = h.Hex()
		return ph, photohash.Set{Hashes: []photohash.Hash{h}}, nil
	}
	return ph, photohash.Set{}, nil
}

// Add enters the listing prepared by Prepare into the registry and returns
// its ordinal. A listing whose ID is already registered replaces the
// earlier entry.
func (r *Registry) Add(l *corpus.Listing, f *indicators.Features) uint32 {
	r.pmu.Lock()
	pr := r.pending[f]
	if pr == nil { // Prepare was not called: prepare now
		r.pmu.Unlock()
		r.Prepare(context.Background(), l, f)
		r.pmu.Lock()
		pr = r.pending[f]
	}
	r.pmu.Unlock()
	r.mu.Lock()
	var err error
	if r.store != nil {
		err = r.stageEntry(pr.e) // before insert compacts it
	}
	ord := r.insert(pr.e)
	r.mu.Unlock()
	if err != nil {
		r.log.Error("link registry: entry not staged for saving", "id", pr.e.ID, "err", err)
	}
	r.pmu.Lock()
	r.ordOf[f] = ord
	r.pmu.Unlock()
	return ord
}

// insert adds an entry and returns its ordinal. Callers hold r.mu or own
// r exclusively.
func (r *Registry) insert(e *Entry) uint32 {
	ord := uint32(len(r.entries))
	e.derive()
	if old, ok := r.byID[e.ID]; ok {
		r.live[old] = false
	}
	r.byID[e.ID] = ord
	r.entries = append(r.entries, e)
	r.live = append(r.live, true)
	r.seen = append(r.seen, 0)
	if int(ord/64) >= len(r.stale) {
		r.stale = append(r.stale, 0)
	}
	for _, k := range e.Contacts {
		r.contacts.add(k, ord)
	}
	t := r.p.Template
	n := t.Bands * t.Rows
	ok := len(e.Signature) == n && e.ShingleWords == t.ShingleWords
	r.hasSig = append(r.hasSig, ok)
	if ok {
		for b := range t.Bands {
			r.bands.add(uint32(bandKey(e.Signature, b, t.Rows)), ord)
		}
		for _, v := range e.Signature {
			r.sigs = append(r.sigs, uint16(v))
		}
	} else {
		r.sigs = append(r.sigs, make([]uint16, n)...)
	}
	// The registry keeps the 16-bit signature; the entry was saved (or
	// staged) with the full one.
	e.Signature = nil
	for _, pe := range e.Photos {
		set := parseSet(pe)
		pid := uint32(len(r.photoOwn))
		r.photoOwn = append(r.photoOwn, ord)
		_, hasPDQ := set.Global(photohash.AlgoPDQ)
		if hasPDQ && pe.Pipeline != photohash.Pipeline {
			// Hashed by an earlier pipeline (e.g. rt-photo-1): its hashes cannot be compared
			// with this one's and the photo itself was never kept, so it cannot be re-hashed.
			// The entry stays in the store; its photo is not linked until the listing is
			// scanned again. Its pHash, the same algorithm in every pipeline, still links.
			r.oldPhoto++
			hasPDQ = false
		} else if hasPDQ {
			if err := r.photoIx.AddSet(pid, set, 0); err != nil {
				r.log.Debug("link registry: photo not indexed", "id", e.ID, "err", err)
			}
		}
		r.photoPDQ = append(r.photoPDQ, hasPDQ)
		if err := r.phash.AddSet(pid, phashOnly(set)); err != nil {
			r.log.Debug("link registry: photo not indexed", "id", e.ID, "err", err)
		}
	}
	return ord
}

// phashOnly is the pHash of set, pipeline-neutral: pHash is goimagehash's in every pipeline.
func phashOnly(set photohash.Set) photohash.Set {
	if g, ok := set.Global(photohash.AlgoPHash); ok {
		g.Pipeline = ""
		return photohash.Set{Hashes: []photohash.Hash{g}}
	}
	return photohash.Set{}
}

// parseSet rebuilds a Set from stored hash strings, skipping bad ones.
func parseSet(pe PhotoEntry) photohash.Set {
	var set photohash.Set
	for _, s := range pe.Hashes {
		name, hx, ok := strings.Cut(s, ":")
		if !ok {
			continue
		}
		algo, region, _ := strings.Cut(name, "/")
		h, err := photohash.ParseHex(algo, hx)
		if err != nil || (algo == photohash.AlgoPDQRegion) != (region != "") {
			continue
		}
		h.Pipeline, h.Region, h.Quality = pe.Pipeline, region, 100
		set.Hashes = append(set.Hashes, h)
	}
	return set
}

// build merges postings added since the last Link.
func (r *Registry) build() {
	r.mu.RLock()
	dirty := len(r.contacts.pending) > 0 || len(r.bands.pending) > 0
	r.mu.RUnlock()
	if !dirty {
		return
	}
	r.mu.Lock()
	r.contacts.build()
	r.bands.build()
	r.mu.Unlock()
}

// Flush writes the entries added since the last Flush to the Store.
func (r *Registry) Flush() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.store == nil || r.staged == nil {
		return nil
	}
	err := r.staged.replay(func(es []*Entry) error { return r.store.Append(es) })
	r.staged.discard()
	r.staged = nil
	return err
}

// Close flushes and closes the Store. Later calls do nothing.
func (r *Registry) Close() error {
	if r.closed {
		return nil
	}
	err := r.Flush()
	return r.closeStore(err)
}

// Discard closes the Store without writing the entries added since the
// last Flush (after a failed scan). It does nothing after Close.
func (r *Registry) Discard() error {
	if r.closed {
		return nil
	}
	r.mu.Lock()
	if r.staged != nil {
		r.staged.discard()
		r.staged = nil
	}
	r.mu.Unlock()
	return r.closeStore(nil)
}

func (r *Registry) closeStore(err error) error {
	r.closed = true
	if r.store != nil {
		if cerr := r.store.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// sketch names a MinHash signature in evidence: its first values in hex.
func sketch(sig []uint32) string {
	var b []byte
	for _, v := range sig[:min(4, len(sig))] {
		b = append(b, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	}
	return "minhash:" + hex.EncodeToString(b)
}

// heldImage is an image the crawler fetched: its bytes until the first
// listing that shows it is prepared, then only its hashes.
type heldImage struct {
	once sync.Once
	data []byte
	res  heldResult
}

// heldResult is a held image's hashes.
type heldResult struct {
	photo corpus.Photo
	set   photohash.Set
	err   error
}

// HoldImage keeps the bytes of an image the crawler fetched (by its URL)
// until a listing that shows it is prepared. The bytes are hashed then and
// dropped; only the hashes are kept, so later listings that show the same
// URL reuse them. Photos are never stored.
func (r *Registry) HoldImage(url string, data []byte) {
	r.imu.Lock()
	defer r.imu.Unlock()
	if r.held == nil {
		r.held = map[string]*heldImage{}
	}
	if _, ok := r.held[url]; !ok {
		r.held[url] = &heldImage{data: data}
	}
}

// takeHeld hashes a held image once and returns its result.
func (r *Registry) takeHeld(url string) (heldResult, bool) {
	r.imu.Lock()
	h, ok := r.held[url]
	r.imu.Unlock()
	if !ok {
		return heldResult{}, false
	}
	h.once.Do(func() {
		h.res = r.hashHeld(url, h.data)
		h.data = nil
	})
	return h.res, true
}

func (r *Registry) hashHeld(url string, data []byte) heldResult {
	res := heldResult{photo: corpus.Photo{URL: url}}
	img, err := photohash.Decode(bytes.NewReader(data), r.lim)
	if err == nil {
		res.set, err = photohash.HashImage(img)
	}
	if err != nil {
		res.err = fmt.Errorf("image %s: %w", url, err)
		return res
	}
	if g, ok := res.set.Global(photohash.AlgoPDQ); ok {
		res.photo.PDQ, res.photo.Quality, res.photo.Pipeline = g.Hex(), g.Quality, g.Pipeline
	}
	if g, ok := res.set.Global(photohash.AlgoPHash); ok {
		res.photo.PHash = g.Hex()
	}
	return res
}
