package links

import (
	"context"
	"fmt"
	"github.com/redthread/redthread/internal/cputime"
	"math/rand/v2"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
	"github.com/redthread/redthread/photohash"
)

// synthBatch builds n synthetic listings with features as the extractor
// would give them, with collision rates like a scraped market: 80% of
// listings have a phone of their own, 15% share one in groups of 2–6, 5%
// in groups of 10–40; one agency switchboard in 0.1%; 10% of bodies are
// copies of 2,000 templates with another city, name and number, the rest
// are drawn from a 5,000-word vocabulary.
func synthBatch(n int, seed uint64) ([]*corpus.Listing, []*indicators.Features) {
	rng := rand.New(rand.NewPCG(seed, 7))
	vocab := make([]string, 5000)
	for i := range vocab {
		vocab[i] = fmt.Sprintf("w%x", rand.New(rand.NewPCG(uint64(i), 1)).Uint32()%0xfffff)
	}
	words := func(k int) string {
		var b strings.Builder
		for i := range k {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(vocab[rng.IntN(len(vocab))])
		}
		return b.String()
	}
	templates := make([]string, 2000)
	for i := range templates {
		templates[i] = words(40)
	}
	ls := make([]*corpus.Listing, n)
	fs := make([]*indicators.Features, n)
	group, groupLeft, nextPhone := 0, 0, 0
	for i := range n {
		var phone int
		switch x := rng.IntN(1000); {
		case x < 1:
			phone = -1 // switchboard
		case groupLeft > 0:
			phone = group
			groupLeft--
		case x < 800:
			nextPhone++
			phone = nextPhone
		case x < 950:
			nextPhone++
			group, groupLeft, phone = nextPhone, 1+rng.IntN(5), nextPhone
		default:
			nextPhone++
			group, groupLeft, phone = nextPhone, 9+rng.IntN(31), nextPhone
		}
		num := fmt.Sprintf("+447700%06d", phone%1000000)
		if phone < 0 {
			num = "+442079460000"
		}
		name := vocab[rng.IntN(100)]
		var body string
		if rng.IntN(10) == 0 {
			body = templates[rng.IntN(len(templates))] + " in " + vocab[rng.IntN(len(vocab))] + " ask for " + name + " call " + num
		} else {
			body = words(30+rng.IntN(70)) + " ask for " + name + " call " + num
		}
		l := &corpus.Listing{ID: fmt.Sprintf("s%07d", i), Body: body, Location: vocab[rng.IntN(200)]}
		start := strings.LastIndex(body, "+")
		f := &indicators.Features{ID: l.ID}
		f.Add("contacts:all", indicators.Span{Evidence: corpus.Evidence{Field: "body", Start: start, End: len(body), Text: num, Shared: "phone:" + num}})
		f.Out.Names = []string{name}
		f.Out.Ages = []int{18 + rng.IntN(20)}
		ls[i], fs[i] = l, f
	}
	return ls, fs
}

// runLinker runs Prepare on every core, Add in order, Link on every core.
func runLinker(r *Registry, ls []*corpus.Listing, fs []*indicators.Features) {
	par := func(fn func(i int)) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		next := 0
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					mu.Lock()
					i := next
					next += 64
					mu.Unlock()
					if i >= len(ls) {
						return
					}
					for j := i; j < min(i+64, len(ls)); j++ {
						fn(j)
					}
				}
			}()
		}
		wg.Wait()
	}
	par(func(i int) { r.Prepare(context.Background(), ls[i], fs[i]) })
	for i := range ls {
		r.Add(ls[i], fs[i])
	}
	par(func(i int) { r.Link(ls[i], fs[i]) })
}

func benchmarkLink(b *testing.B, n int) {
	ls, fs := synthBatch(n, 1)
	var links, tmpl int
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		for _, f := range fs {
			f.Links = indicators.LinkFeatures{}
			for _, src := range []string{SourceSharedContact, SourceTemplate, SourceInconsistent, SourceGeneric} {
				delete(f.Spans, src)
			}
		}
		r, err := New(Config{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		c0 := cputime.Process()
		runLinker(r, ls, fs)
		cpu += cputime.Process() - c0
		b.StopTimer()
		links, tmpl = 0, 0
		for _, f := range fs {
			links += f.Links.SharedContacts
			tmpl += f.Links.Templates
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/listing")
	// CPU time over all cores: wall time is unreliable on a loaded machine.
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N)/float64(n), "cpu-ns/listing")
	b.ReportMetric(float64(links)/float64(n), "contact-links/listing")
	b.ReportMetric(float64(tmpl)/float64(n), "template-links/listing")
}

// BenchmarkLink100k links 100,000 synthetic listings (Prepare without
// photos, Add, Link).
func BenchmarkLink100k(b *testing.B) { benchmarkLink(b, 100_000) }

func BenchmarkLink10k(b *testing.B) { benchmarkLink(b, 10_000) }

// BenchmarkLink1M links 1,000,000 synthetic listings.
func BenchmarkLink1M(b *testing.B) {
	if testing.Short() {
		b.Skip("1M listings in -short mode")
	}
	benchmarkLink(b, 1_000_000)
}

// BenchmarkPrepareImages is photo hashing through the registry (decode and
// hash of one 640×480 JPEG per listing); photohash's BenchmarkHashFile
// shows decode and hashing apart.
func BenchmarkPrepareImages(b *testing.B) {
	dir := b.TempDir()
	path := filepath.Join(dir, "p.jpg")
	writeJPEG(b, path, testImage(3, 640, 480), 90)
	r, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	l := &corpus.Listing{ID: "x", Body: "x", Images: []corpus.Image{{Path: path}}}
	start, c0 := time.Now(), cputime.Process()
	for b.Loop() {
		f := &indicators.Features{ID: "x"}
		r.Prepare(context.Background(), l, f)
		if len(f.Out.Photos) != 1 || f.Out.Photos[0].Error != "" {
			b.Fatal(f.Out.Photos)
		}
		r.pmu.Lock()
		delete(r.pending, f)
		r.pmu.Unlock()
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "images/s")
	b.ReportMetric(float64((cputime.Process()-c0).Nanoseconds())/float64(b.N), "cpu-ns/image")
}

// photoEntries returns n registry entries with one photo each, as
// photohash's pipeline stores it: a random whole-photo PDQ, 9 crop windows
// 40–60 bits from it, 12 masked hashes 5–30 bits from it, and a pHash.
func photoEntries(n int, rng *rand.Rand) []*Entry {
	es := make([]*Entry, n)
	for i := range es {
		g := randomBits(rng, 32)
		pe := PhotoEntry{Pipeline: photohash.Pipeline, Hashes: []string{"pdq:" + hexOf(g), "phash:" + hexOf(randomBits(rng, 8))}}
		for _, w := range []string{"95tl", "95t", "95tr", "95l", "95c", "95r", "95bl", "95b", "95br"} {
			pe.Hashes = append(pe.Hashes, "pdq-region/"+w+":"+hexOf(flip(rng, g, 40+rng.IntN(21))))
		}
		for _, m := range []string{"t", "b", "l", "r", "tl", "tr", "bl", "br", "c", "h1", "h2", "h3"} {
			pe.Hashes = append(pe.Hashes, "pdq-mask/"+m+":"+hexOf(flip(rng, g, 5+rng.IntN(26))))
		}
		es[i] = &Entry{ID: fmt.Sprintf("ph%07d", i), Photos: []PhotoEntry{pe}}
	}
	return es
}

func randomBits(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func flip(rng *rand.Rand, b []byte, d int) []byte {
	out := append([]byte(nil), b...)
	for _, bit := range rng.Perm(len(b) * 8)[:d] {
		out[bit/8] ^= 1 << (bit % 8)
	}
	return out
}

func hexOf(b []byte) string { return fmt.Sprintf("%x", b) }

// benchmarkLinkPhotos links 1,000 listings, each with a photo that is a
// near copy (10 bits) of a stored one, against a registry of n photos.
func benchmarkLinkPhotos(b *testing.B, n int) {
	rng := rand.New(rand.NewPCG(9, 9))
	st := &MemStore{}
	st.Append(photoEntries(n, rng))
	r, err := New(Config{Store: st})
	if err != nil {
		b.Fatal(err)
	}
	const q = 1000
	queries := make([]*prepared, q)
	for i := range queries {
		src := r.entries[rng.IntN(n)].Photos[0]
		pe := PhotoEntry{Pipeline: src.Pipeline}
		for _, h := range src.Hashes {
			name, hx, _ := strings.Cut(h, ":")
			raw := make([]byte, len(hx)/2)
			fmt.Sscanf(hx, "%x", &raw)
			pe.Hashes = append(pe.Hashes, name+":"+hexOf(flip(rng, raw, 10)))
		}
		queries[i] = &prepared{e: &Entry{ID: fmt.Sprintf("q%d", i), Photos: []PhotoEntry{pe}},
			photos: []photoRef{{image: 0, set: parseSet(pe)}}}
	}
	l := &corpus.Listing{Images: []corpus.Image{{Path: "p.jpg"}}}
	found := 0
	c0 := cputime.Process()
	for b.Loop() {
		found = 0
		for _, pr := range queries {
			f := &indicators.Features{}
			(&linker{r: r, ord: ^uint32(0)}).photos(l, pr, pr.e.ID, f, linkedBy{})
			if f.Links.ReusedPhotos > 0 {
				found++
			}
		}
	}
	b.ReportMetric(float64((cputime.Process()-c0).Nanoseconds())/float64(b.N*q), "cpu-ns/listing")
	b.ReportMetric(float64(found)/q, "found")
}

// BenchmarkLinkPhotos100k: photo links for a listing against 100,000 stored photos.
func BenchmarkLinkPhotos100k(b *testing.B) { benchmarkLinkPhotos(b, 100_000) }

// BenchmarkLinkPhotos1M: photo links for a listing against 1,000,000 stored photos.
func BenchmarkLinkPhotos1M(b *testing.B) {
	if testing.Short() {
		b.Skip("1M photos in -short mode")
	}
	benchmarkLinkPhotos(b, 1_000_000)
}
