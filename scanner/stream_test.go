package scanner

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/links"
)

// TestStreamingAgreesWithBatch scans the same input twice: as one batch
// (every listing linked against the whole input before any result is
// written, the scan of the first version) and streaming in small batches
// with the revisions applied. Every listing's result must be the same:
// indicators, scores, evidence and link sets. The input spreads shared
// phones, reused (mirrored, resized, re-encoded) photos, copied templates
// a phone shared widely enough to become generic across the whole input,
// including its first and last listing, one advertiser's phone shared by
// more than the limit (kept) and a big family of copies without contacts.
func TestStreamingAgreesWithBatch(t *testing.T) {
	in := streamInput(t)
	want := scanWith(t, in, 1<<30)
	for _, batch := range []int{1, 7, 64} {
		t.Run(fmt.Sprintf("batch%d", batch), func(t *testing.T) {
			got := scanWith(t, in, batch)
			if len(got) != len(want) {
				t.Fatalf("%d results, want %d", len(got), len(want))
			}
			diff := 0
			for id, w := range want {
				if g := got[id]; g != w {
					diff++
					if diff <= 3 {
						t.Errorf("%s:\nstreaming %s\nbatch     %s", id, g, w)
					}
				}
			}
			if diff > 0 {
				t.Errorf("%d of %d results differ", diff, len(want))
			}
		})
	}
	// The input must exercise what it is meant to: links to listings far
	// back in the input, a generic contact, a large one kept, and a big
	// family of reposts.
	var linked, generic, large, bigFamily int
	for _, js := range want {
		if strings.Contains(js, `"linked"`) {
			linked++
		}
		if strings.Contains(js, `"value":"+442079460999"`) {
			generic++
		}
		var r corpus.Result
		if err := json.Unmarshal([]byte(js), &r); err != nil {
			t.Fatal(err)
		}
		for _, h := range r.Indicators {
			for _, ev := range h.Evidence {
				if h.ID == "network.shared_contact" && ev.Shared == "phone:+442079460999" {
					t.Errorf("%s: the switchboard number links listings", r.ID)
				}
				if h.ID == "network.shared_contact" && ev.Shared == "phone:+447700900777" && strings.Contains(ev.Note, "kept") {
					large++
				}
			}
		}
		copied := map[string]bool{}
		for _, h := range r.Indicators {
			if h.ID == "network.repost" || h.ID == "network.template_text" {
				for _, id := range h.Linked {
					copied[id] = true
				}
			}
		}
		if len(copied) >= 150 {
			bigFamily++
		}
	}
	if linked < 100 || generic <= 50 || large < 51 || bigFamily < 150 {
		t.Errorf("input too easy: %d linked results, %d with the switchboard number, %d in the large phone group, %d in the big family",
			linked, generic, large, bigFamily)
	}
}

// scanWith scans in with the given batch size and returns each listing's
// final result as JSON, revisions applied.
func scanWith(t *testing.T, in []*corpus.Listing, batch int) map[string]string {
	t.Helper()
	return scanWithParams(t, in, batch, nil)
}

// scanWithParams is scanWith with the registry's parameters (nil: the
// defaults).
func scanWithParams(t *testing.T, in []*corpus.Listing, batch int, p *links.Params) map[string]string {
	t.Helper()
	reg, err := links.New(links.Config{Params: p})
	if err != nil {
		t.Fatal(err)
	}
	s := newTestScanner(t, reg)
	s.cfg.Batch = batch
	s.cfg.TempDir = t.TempDir()
	out := map[string]string{}
	revised := 0
	seq := func(yield func(corpus.Record) bool) {
		for _, l := range in {
			c := *l
			if !yield(corpus.Record{Listing: &c}) {
				return
			}
		}
	}
	sum, err := s.Scan(context.Background(), seq, func(r *corpus.Result) error {
		if r.Revised {
			revised++
			if _, ok := out[r.ID]; !ok {
				t.Errorf("revision of %s before its result", r.ID)
			}
			r.Revised = false
		} else if _, ok := out[r.ID]; ok {
			t.Errorf("%s emitted twice", r.ID)
		}
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		out[r.ID] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Revised != revised || sum.Scanned != len(in) {
		t.Errorf("summary %+v: revised %d, scanned want %d", sum, revised, len(in))
	}
	if batch >= len(in) && revised != 0 {
		t.Errorf("one batch: %d revisions, want none", revised)
	}
	if batch < len(in) && revised == 0 {
		t.Errorf("batch %d: no revisions", batch)
	}
	t.Logf("batch %d: %d of %d results revised", batch, revised, len(in))
	return out
}

// TestStreamingAgreesOnBoilerplate: with band buckets small enough that
// many cross into boilerplate during the scan (shared footers on unrelated
// bodies, copied texts with edits), only the pairs whose last usable
// bucket crossed are revised, and the streaming results still equal the
// one-batch results.
func TestStreamingAgreesOnBoilerplate(t *testing.T) {
	var base []*corpus.Listing
	for rec := range corpus.DevSet() {
		if rec.Err != nil {
			t.Fatal(rec.Err)
		}
		if len(rec.Listing.Body) > 300 && len(base) < 80 {
			base = append(base, rec.Listing)
		}
	}
	rng := rand.New(rand.NewPCG(7, 3))
	const n = 400
	footers := []string{
		"Please note that we process applications in the order received and will contact shortlisted candidates only, thank you for your interest in our vacancies.",
		"All ads on this board are checked by moderators before publication and users must be adults, report anything suspicious with the flag button below.",
	}
	in := make([]*corpus.Listing, n)
	for i := range in {
		b := *base[rng.IntN(len(base))]
		b.ID = fmt.Sprintf("b%04d", i)
		b.Fields, b.Images, b.Contacts = nil, nil, nil
		words := strings.Fields(b.Body)
		words = words[:min(len(words), 20+rng.IntN(30))] // short: a footer weighs
		// Copies edited more or less: every few words changed, so pairs
		// of copies share few or many bands.
		for j := range words {
			if rng.IntN(12+i%20) == 0 {
				words[j] = fmt.Sprintf("w%d", rng.IntN(1000))
			}
		}
		b.Body = strings.Join(words, " ")
		if rng.IntN(3) > 0 {
			b.Body += " " + footers[rng.IntN(len(footers))]
		}
		in[i] = &b
	}
	p := links.DefaultParams()
	p.Template.BucketLimit, p.Template.BucketSample, p.Template.BucketCoherent = 6, 4, 0.9
	want := scanWithParams(t, in, 1<<30, &p)
	for _, batch := range []int{1, 16} {
		got := scanWithParams(t, in, batch, &p)
		diff := 0
		for id, w := range want {
			if g := got[id]; g != w {
				diff++
				if diff <= 3 {
					t.Errorf("batch %d, %s:\nstreaming %s\nbatch     %s", batch, id, g, w)
				}
			}
		}
		if diff > 0 {
			t.Errorf("batch %d: %d of %d results differ", batch, diff, len(want))
		}
	}
	copied := 0
	for _, js := range want {
		if strings.Contains(js, `"network.repost"`) || strings.Contains(js, `"network.template_text"`) {
			copied++
		}
	}
	if copied < n/4 {
		t.Errorf("input too easy: %d of %d results with copied text", copied, n)
	}
}

// streamInput builds ~600 listings from the dev set's texts with links
// spread over the whole input.
func streamInput(t *testing.T) []*corpus.Listing {
	t.Helper()
	base := devBase(t)
	rng := rand.New(rand.NewPCG(13, 1))
	const n = 600
	in := make([]*corpus.Listing, n)
	for i := range in {
		b := *base[i%len(base)]
		b.ID = fmt.Sprintf("s%04d", i)
		b.Fields = nil
		b.Images = nil
		in[i] = &b
	}
	// spread picks k distinct positions over the whole input, always
	// including the first and the last listing for the first family.
	first := true
	spread := func(k int) []int {
		pos := rng.Perm(n)[:k]
		if first {
			pos[0], pos[1] = 0, n-1
			first = false
		}
		return pos
	}
	// Issue 17: a big family without contacts — 220 copies of one text
	// with a changed name and city (every band bucket of it beyond
	// template.bucket_limit, 200), linked as reposts — and one advertiser's
	// 70 listings sharing a phone and a text (more than generic_limit,
	// kept), each spread over the whole input.
	for _, fam := range []struct {
		n     int
		phone string
	}{{220, ""}, {70, "+44 7700 900777"}} {
		src := in[rng.IntN(n)]
		for strings.ContainsAny(src.Body, "@0123456789") { // a text without contacts
			src = in[rng.IntN(n)]
		}
		text, kind, lang, site := src.Body, src.Kind, src.Language, src.Source
		for j, p := range rng.Perm(n)[:fam.n] {
			b := strings.ReplaceAll(text, "+44", "+44 ")
			b = fmt.Sprintf("Nina%d here, new in town %d. ", j, j%7) + b
			if fam.phone != "" {
				b += "\nCall " + fam.phone
			}
			in[p].Body = b
			in[p].Kind, in[p].Language, in[p].Source = kind, lang, site
		}
	}
	// Shared phones: 40 families of 2-6 listings.
	for f := range 40 {
		phone := fmt.Sprintf("+44 7700 9%05d", 10000+f)
		for _, p := range spread(2 + f%5) {
			in[p].Body += "\nCall " + phone
		}
	}
	// A switchboard shared by 60 listings: generic.
	for _, p := range spread(60) {
		in[p].Body += "\nOffice +44 20 7946 0999"
	}
	// Copied templates with a changed name and phone: 15 families of 2-4.
	for f := range 15 {
		text := in[rng.IntN(n)].Body
		for j, p := range spread(2 + f%3) {
			in[p].Body = strings.ReplaceAll(text, "+44", "+44 ") + fmt.Sprintf("\nAsk for Mira%d, +48 600 1%02d %03d", j, f, j)
		}
	}
	// Reused photos: 8 photos, each in 2-4 listings, as the original, a
	// mirror, a smaller copy or a JPEG re-encoding.
	dir := t.TempDir()
	for f := range 8 {
		img := texture(rng, 320, 240)
		for j, p := range spread(2 + f%3) {
			var v image.Image = img
			ext := ".png"
			switch j % 4 {
			case 1:
				v = mirror(img)
			case 2:
				v = half(img)
			case 3:
				ext = ".jpg"
			}
			path := filepath.Join(dir, fmt.Sprintf("p%d-%d%s", f, j, ext))
			writeImage(t, path, v)
			in[p].Images = append(in[p].Images, corpus.Image{Path: path})
		}
	}
	return in
}

// texture draws a photo-like image: smooth gradients and random shapes.
func texture(rng *rand.Rand, w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	fx, fy := 1+rng.Float64()*4, 1+rng.Float64()*4
	for y := range h {
		for x := range w {
			v := 128 + 60*math.Sin(fx*float64(x)/float64(w)*math.Pi)*math.Cos(fy*float64(y)/float64(h)*math.Pi)
			img.Set(x, y, color.RGBA{uint8(v), uint8(255 - v), uint8(v / 2), 255})
		}
	}
	for range 12 {
		x0, y0 := rng.IntN(w), rng.IntN(h)
		c := color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
		for y := y0; y < min(h, y0+20+rng.IntN(60)); y++ {
			for x := x0; x < min(w, x0+20+rng.IntN(60)); x++ {
				img.Set(x, y, c)
			}
		}
	}
	return img
}

func mirror(src *image.RGBA) image.Image {
	b := src.Bounds()
	dst := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			dst.Set(b.Max.X-1-x+b.Min.X, y, src.At(x, y))
		}
	}
	return dst
}

func half(src *image.RGBA) image.Image {
	b := src.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx()/2, b.Dy()/2))
	for y := range b.Dy() / 2 {
		for x := range b.Dx() / 2 {
			var r, g, bl int
			for _, d := range [4][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
				c := src.RGBAAt(2*x+d[0], 2*y+d[1])
				r, g, bl = r+int(c.R), g+int(c.G), bl+int(c.B)
			}
			dst.Set(x, y, color.RGBA{uint8(r / 4), uint8(g / 4), uint8(bl / 4), 255})
		}
	}
	return dst
}

func writeImage(t *testing.T, path string, img image.Image) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(path, ".jpg") {
		err = jpeg.Encode(f, img, &jpeg.Options{Quality: 80})
	} else {
		err = png.Encode(f, img)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestProgressEveryBatch: the progress hook hears of every batch, and of
// the relinking at the end, so a long scan is never silent.
func TestProgressEveryBatch(t *testing.T) {
	in := streamInput(t)
	reg, err := links.New(links.Config{})
	if err != nil {
		t.Fatal(err)
	}
	s := newTestScanner(t, reg)
	s.cfg.Batch = 50
	s.cfg.TempDir = t.TempDir()
	var calls, revising int
	last := -1
	s.SetProgress(func(sum Summary) {
		calls++
		if sum.Scanned < last {
			t.Errorf("progress went back: %d after %d", sum.Scanned, last)
		}
		last = sum.Scanned
		if sum.Revised > 0 {
			revising++
		}
	})
	seq := func(yield func(corpus.Record) bool) {
		for _, l := range in {
			c := *l
			if !yield(corpus.Record{Listing: &c}) {
				return
			}
		}
	}
	sum, err := s.Scan(context.Background(), seq, func(*corpus.Result) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if want := (len(in) + 49) / 50; calls < want || revising == 0 || sum.Revised == 0 {
		t.Errorf("%d progress calls (%d while revising) for %d batches, %d revised", calls, revising, want, sum.Revised)
	}
}
