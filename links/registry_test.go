package links

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"log/slog"
	"math/bits"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
	"github.com/redthread/redthread/photohash"
	"golang.org/x/image/draw"
)

var (
	extractorOnce sync.Once
	extractor     *indicators.Extractor
	extractorErr  error
)

func testExtractor(t testing.TB) *indicators.Extractor {
	t.Helper()
	extractorOnce.Do(func() { extractor, extractorErr = indicators.New(indicators.Config{}) })
	if extractorErr != nil {
		t.Fatal(extractorErr)
	}
	return extractor
}

// linkAll runs the scanner's Linker protocol over a batch: Prepare
// concurrently, Add in order, Link concurrently.
func linkAll(t testing.TB, r *Registry, ls []*corpus.Listing) []*indicators.Features {
	t.Helper()
	x := testExtractor(t)
	fs := make([]*indicators.Features, len(ls))
	var wg sync.WaitGroup
	for i, l := range ls {
		l.EnsureID()
		fs[i] = x.Extract(l)
		wg.Add(1)
		go func() { defer wg.Done(); r.Prepare(context.Background(), l, fs[i]) }()
	}
	wg.Wait()
	for i, l := range ls {
		r.Add(l, fs[i])
	}
	for i, l := range ls {
		wg.Add(1)
		go func() { defer wg.Done(); r.Link(l, fs[i]) }()
	}
	wg.Wait()
	return fs
}

func newRegistry(t testing.TB, cfg Config) *Registry {
	t.Helper()
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// linked returns the sorted, distinct linked IDs of a source.
func linked(f *indicators.Features, src string) []string {
	var out []string
	for _, sp := range f.Spans[src] {
		out = append(out, sp.Linked...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func TestSharedContactAcrossFormats(t *testing.T) {
	r := newRegistry(t, Config{})
	fs := linkAll(t, r, []*corpus.Listing{
		{ID: "a", Country: "RS", Body: "Berba malina u Srbiji, plata dobra. Pozovite 063/555-0172 odmah."},
		{ID: "b", Country: "AT", Body: "New girls in Vienna, call or WhatsApp +381 63 555 0172 anytime."},
		{ID: "c", Country: "GB", Body: "Office cleaner wanted in Leeds, call 0113 496 0000 for details."},
	})
	if got := linked(fs[0], SourceSharedContact); !slices.Equal(got, []string{"b"}) {
		t.Errorf("a linked to %v, want [b]", got)
	}
	if got := linked(fs[1], SourceSharedContact); !slices.Equal(got, []string{"a"}) {
		t.Errorf("b linked to %v, want [a]", got)
	}
	if fs[1].Links.SharedContacts != 1 {
		t.Errorf("b: shared_contacts %d, want 1 (a WhatsApp number and the number are one contact)", fs[1].Links.SharedContacts)
	}
	if n := len(fs[1].Spans[SourceSharedContact]); n != 1 {
		t.Errorf("b: %d shared-contact spans, want 1", n)
	}
	sp := fs[0].Spans[SourceSharedContact][0]
	if sp.Shared != "phone:+381635550172" || sp.Field != "body" || fs[0].ID != "a" ||
		!strings.Contains(sp.Text, "555") {
		t.Errorf("evidence %+v", sp.Evidence)
	}
	if fs[2].Links != (indicators.LinkFeatures{}) || len(fs[2].Spans[SourceSharedContact]) != 0 {
		t.Errorf("c is linked: %+v", fs[2].Links)
	}
}

// TestGenericContact: a number shared by more listings than the limit is
// generic when its listings have nothing else in common (other kinds,
// languages, sites, texts) — not linked, and said so with the group size —
// and large when they are one advertiser's (one kind, language and site):
// linked, with a note.
func TestGenericContact(t *testing.T) {
	unrelated := []*corpus.Listing{
		{Kind: "job", Source: "jobs-a", Body: "Delivery drivers wanted for our depot, full licence needed. Agency line 020 7946 0123."},
		{Kind: "escort", Source: "escorts-b", Body: "Sweet new girl in town, outcalls only, discreet. Agency line 020 7946 0123."},
		{Kind: "job", Source: "jobs-c", Language: "pl", Body: "Praca przy zbiorach truskawek w Anglii, zakwaterowanie. Biuro 020 7946 0123."},
		{Kind: "job", Source: "jobs-d", Language: "de", Body: "Erntehelfer gesucht, Unterkunft vorhanden, sofort. Büro 020 7946 0123."},
		{Kind: "escort", Source: "escorts-e", Language: "es", Body: "Chica nueva en la ciudad, discreta, solo hoteles. Agencia 020 7946 0123."},
	}
	same := make([]*corpus.Listing, 5)
	for i := range same {
		same[i] = &corpus.Listing{Kind: "job", Source: "jobs-a",
			Body: fmt.Sprintf("Warehouse pickers wanted, shift %c, no experience needed. Agency line 020 7946 0123.", 'A'+i)}
	}
	for _, tc := range []struct {
		name    string
		ls      []*corpus.Listing
		generic bool
	}{
		{"switchboard across unrelated ads", unrelated, true},
		{"one advertiser's many ads", same, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := DefaultParams()
			p.GenericLimit = 3
			r := newRegistry(t, Config{Params: &p})
			for i, l := range tc.ls {
				l.ID = fmt.Sprintf("%c", 'a'+i)
				l.Country = "GB"
			}
			fs := linkAll(t, r, tc.ls)
			for _, f := range fs {
				if tc.generic {
					g := f.Spans[SourceGeneric]
					if f.Links.SharedContacts != 0 || f.Links.GenericContact != 1 || f.Links.Generic != 1 || len(g) != 1 ||
						!strings.Contains(g[0].Note, "shared by 5 listings") || g[0].Shared != "phone:+442079460123" {
						t.Errorf("%s: links %+v, generic %+v: want one generic contact naming the key and 5 listings, no links", f.ID, f.Links, g)
					}
					continue
				}
				sc := f.Spans[SourceSharedContact]
				if f.Links.SharedContacts != 4 || f.Links.Generic != 0 || len(sc) != 1 || !strings.Contains(sc[0].Note, "shared by 5 listings") {
					t.Errorf("%s: links %+v, shared %+v: want 4 linked with a note on the group", f.ID, f.Links, sc)
				}
			}
		})
	}
}

func TestInconsistentInfo(t *testing.T) {
	r := newRegistry(t, Config{})
	fs := linkAll(t, r, []*corpus.Listing{
		{ID: "ro", Country: "RO", Location: "Cluj-Napoca", Body: "Andreea, 19 ani, noua in oras. WhatsApp +40 745 550 193."},
		{ID: "it", Country: "IT", Location: "Roma", Body: "Andrea, 23 anni, appena arrivata. WhatsApp +40745550193."},
	})
	for _, f := range fs {
		sps := f.Spans[SourceInconsistent]
		if len(sps) != 1 || f.Links.Inconsistent != 1 {
			t.Fatalf("%s: %d inconsistency spans, want 1", f.ID, len(sps))
		}
		note := sps[0].Note
		for _, field := range []string{"age", "location"} {
			if !strings.Contains(note, field) {
				t.Errorf("%s: note %q does not name %s", f.ID, note, field)
			}
		}
		if !strings.Contains(sps[0].Text, "19") || !strings.Contains(sps[0].Text, "23") {
			t.Errorf("%s: evidence %q does not show the ages", f.ID, sps[0].Text)
		}
	}
}

const templateBody = `Beautiful new girl just arrived in %s for a few days only. Sweet, friendly and discreet,
available day and night for gentlemen who like to relax. Outcalls to hotels and incalls in a private
flat. Call me on %s, ask for %s, no withheld numbers please.`

func TestTemplateText(t *testing.T) {
	r := newRegistry(t, Config{})
	mk := func(id, city, phone, name string) *corpus.Listing {
		b := templateBody
		for _, v := range []string{city, phone, name} {
			b = strings.Replace(b, "%s", v, 1)
		}
		return &corpus.Listing{ID: id, Country: "GB", Body: b}
	}
	fs := linkAll(t, r, []*corpus.Listing{
		mk("t1", "Leeds", "07700 900111", "Jenny"),
		mk("t2", "Manchester", "07700 900222", "Anna"),
		mk("t3", "Leeds", "07700 900111", "Jenny"), // same advertiser reposting: shared contact, a repost
		{ID: "other", Country: "GB", Body: "Experienced plumber available for boiler repairs and bathroom fitting across Leeds, call 0113 496 0001."},
	})
	if got := linked(fs[1], SourceTemplate); !slices.Equal(got, []string{"t1", "t3"}) {
		t.Errorf("t2 template links %v, want [t1 t3]", got)
	}
	if got := linked(fs[0], SourceTemplate); !slices.Equal(got, []string{"t2"}) {
		t.Errorf("t1 template links %v, want [t2] (t3 shares its contact)", got)
	}
	if got := linked(fs[0], SourceRepost); !slices.Equal(got, []string{"t3"}) || fs[0].Links.Reposts != 1 {
		t.Errorf("t1 repost links %v (%d), want [t3]", got, fs[0].Links.Reposts)
	}
	if got := linked(fs[0], SourceSharedContact); !slices.Equal(got, []string{"t3"}) {
		t.Errorf("t1 contact links %v, want [t3]", got)
	}
	for _, sp := range fs[1].Spans[SourceTemplate] {
		if sp.Similarity == nil || *sp.Similarity < 0.5 || !strings.HasPrefix(sp.Shared, "minhash:") {
			t.Errorf("template evidence %+v", sp.Evidence)
		}
		// The evidence quotes words of the template that t1 has too, not
		// t2's own city, name or number.
		body := mk("t2", "Manchester", "07700 900222", "Anna").Body
		if sp.End <= sp.Start || body[sp.Start:sp.End] != sp.Text || !strings.Contains(mk("t1", "Leeds", "07700 900111", "Jenny").Body, sp.Text) {
			t.Errorf("template evidence %d-%d %q: not words t2 shares with t1", sp.Start, sp.End, sp.Text)
		}
	}
	if fs[3].Links.Templates != 0 {
		t.Errorf("unrelated ad has %d template links", fs[3].Links.Templates)
	}
}

// testImage draws a deterministic picture with enough structure for PDQ.
func testImage(seed uint64, w, h int) image.Image {
	rng := rand.New(rand.NewPCG(seed, seed^0xabcdef))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}}, image.Point{}, draw.Src)
	for range 40 {
		x, y := rng.IntN(w), rng.IntN(h)
		rw, rh := 10+rng.IntN(w/3), 10+rng.IntN(h/3)
		c := color.RGBA{uint8(rng.IntN(256)), uint8(rng.IntN(256)), uint8(rng.IntN(256)), 255}
		draw.Draw(img, image.Rect(x, y, x+rw, y+rh), &image.Uniform{c}, image.Point{}, draw.Src)
	}
	return img
}

func writeJPEG(t testing.TB, path string, img image.Image, q int) {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// photoFiles writes an original photo, a resized re-encoded repost and an
// unrelated photo.
func photoFiles(t testing.TB) (orig, repost, other string) {
	dir := t.TempDir()
	orig, repost, other = filepath.Join(dir, "orig.jpg"), filepath.Join(dir, "repost.jpg"), filepath.Join(dir, "other.jpg")
	img := testImage(1, 640, 480)
	writeJPEG(t, orig, img, 92)
	small := image.NewRGBA(image.Rect(0, 0, 400, 300))
	draw.CatmullRom.Scale(small, small.Bounds(), img, img.Bounds(), draw.Src, nil)
	writeJPEG(t, repost, small, 60)
	writeJPEG(t, other, testImage(2, 640, 480), 92)
	return
}

func TestReusedPhoto(t *testing.T) {
	orig, repost, other := photoFiles(t)
	r := newRegistry(t, Config{})
	fs := linkAll(t, r, []*corpus.Listing{
		{ID: "p1", Body: "Hi, I am Mila, 22 years old, new in Vienna.", Images: []corpus.Image{{Path: orig}}},
		{ID: "p2", Body: "Hi, I am Sofia, 19 years old, just arrived in Graz.", Images: []corpus.Image{{Path: other}, {Path: repost, URL: "https://img.example/2.jpg"}}},
		{ID: "p3", Body: "Lena, 25, Linz.", Images: []corpus.Image{{Path: other}}},
	})
	if got := linked(fs[0], SourceReusedPhoto); !slices.Equal(got, []string{"p2"}) {
		t.Errorf("p1 photo links %v, want [p2]", got)
	}
	var viaRepost *indicators.Span
	for i, sp := range fs[1].Spans[SourceReusedPhoto] {
		if sp.Field == "images[1]" {
			viaRepost = &fs[1].Spans[SourceReusedPhoto][i]
		}
	}
	if viaRepost == nil || !slices.Equal(viaRepost.Linked, []string{"p1"}) || viaRepost.Distance == nil ||
		viaRepost.Text != repost || !strings.HasPrefix(viaRepost.Shared, "pdq:") {
		t.Errorf("p2 spans %+v", fs[1].Spans[SourceReusedPhoto])
	}
	if fs[1].Links.ReusedPhotos != 2 {
		t.Errorf("p2 reused_photos %d, want 2 (p1 and p3)", fs[1].Links.ReusedPhotos)
	}
	// Ages differ between listings sharing a photo.
	if fs[0].Links.Inconsistent != 1 || !strings.Contains(fs[0].Spans[SourceInconsistent][0].Note, "age") {
		t.Errorf("p1 inconsistencies %v", fs[0].Spans[SourceInconsistent])
	}
	ph := fs[1].Out.Photos
	if len(ph) != 2 || len(ph[1].PDQ) != 64 || len(ph[1].PHash) != 16 || ph[1].Pipeline == "" || ph[1].Error != "" || ph[1].URL == "" {
		t.Errorf("photos %+v", ph)
	}
}

// cropSource is a real photo (photohash's test data: Meta's PDQ test set).
const cropSource = "../photohash/testdata/pdq/reg-test-input/dih/bridge-1-original.jpg"

func TestCroppedPhoto(t *testing.T) {
	img, err := photohash.DecodeFile(cropSource, photohash.DefaultLimits)
	if err != nil {
		t.Skip(err)
	}
	dir := t.TempDir()
	orig, crop := filepath.Join(dir, "orig.jpg"), filepath.Join(dir, "crop.jpg")
	writeJPEG(t, orig, img, 92)
	// A 5% crop of the right and bottom edges, re-encoded.
	b := img.Bounds()
	sub := image.NewRGBA(image.Rect(0, 0, b.Dx()*95/100, b.Dy()*95/100))
	draw.Draw(sub, sub.Bounds(), img, b.Min, draw.Src)
	writeJPEG(t, crop, sub, 80)
	r := newRegistry(t, Config{})
	fs := linkAll(t, r, []*corpus.Listing{
		{ID: "orig", Body: "a", Images: []corpus.Image{{Path: orig}}},
		{ID: "crop", Body: "b", Images: []corpus.Image{{Path: crop}}},
	})
	if got := linked(fs[0], SourceReusedPhoto); !slices.Equal(got, []string{"crop"}) {
		t.Errorf("original links %v, want [crop]", got)
	}
	if got := linked(fs[1], SourceReusedPhoto); !slices.Equal(got, []string{"orig"}) {
		t.Errorf("crop links %v, want [orig]", got)
	}
}

func TestBadImages(t *testing.T) {
	dir := t.TempDir()
	orig, _, _ := photoFiles(t)
	good, _ := os.ReadFile(orig)
	var bomb bytes.Buffer
	// A PNG header claiming 100000x100000 pixels: refused before decoding.
	png.Encode(&bomb, image.NewGray(image.Rect(0, 0, 1, 1)))
	bb := bomb.Bytes()
	bb[16], bb[17], bb[18], bb[19] = 0, 1, 0x86, 0xa0
	bb[20], bb[21], bb[22], bb[23] = 0, 1, 0x86, 0xa0
	files := map[string][]byte{
		"empty.jpg":     nil,
		"truncated.jpg": good[:len(good)/3],
		"text.jpg":      []byte("this is not an image at all"),
		"bomb.png":      bb,
	}
	var imgs []corpus.Image
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for k := range files {
			if !yield(k) {
				return
			}
		}
	}) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, files[name], 0o600); err != nil {
			t.Fatal(err)
		}
		imgs = append(imgs, corpus.Image{Path: p})
	}
	imgs = append(imgs, corpus.Image{Path: filepath.Join(dir, "missing.jpg")}, corpus.Image{PHash: "not-hex"},
		corpus.Image{Path: filepath.Join(dir, "gone.jpg"), PHash: "c3c3e1f0f0e1c3c3"})
	r := newRegistry(t, Config{})
	fs := linkAll(t, r, []*corpus.Listing{{ID: "bad-1", Body: "Call 020 7946 0999.", Images: imgs}})
	f := fs[0]
	if len(f.Out.Warnings) != len(imgs) || len(f.Out.Photos) != len(imgs) {
		t.Fatalf("%d warnings, %d photos for %d bad images: %q", len(f.Out.Warnings), len(f.Out.Photos), len(imgs), f.Out.Warnings)
	}
	for i, w := range f.Out.Warnings {
		if !strings.Contains(w, "bad-1") || !strings.Contains(w, imageName(imgs[i])) {
			t.Errorf("warning %q does not name the listing and file", w)
		}
		if f.Out.Photos[i].Error == "" || f.Out.Photos[i].PDQ != "" {
			t.Errorf("photo %+v", f.Out.Photos[i])
		}
	}
	// An unreadable file with a hash from the source keeps that hash.
	if last := f.Out.Photos[len(imgs)-1]; last.PHash != "c3c3e1f0f0e1c3c3" {
		t.Errorf("fallback photo %+v", last)
	}
}

func TestHashList(t *testing.T) {
	orig, repost, other := photoFiles(t)
	// Hash the originals the way a platform would, then list them.
	r0 := newRegistry(t, Config{})
	fs0 := linkAll(t, r0, []*corpus.Listing{{ID: "x", Body: "x", Images: []corpus.Image{{Path: orig}, {Path: other}}}})
	csv := "hash,algorithm,list,label\n" +
		fs0[0].Out.Photos[0].PDQ + ",pdq,known-victims,priority\n" +
		fs0[0].Out.Photos[1].PDQ + ",pdq,stock,negative\n"
	hl := NewHashList()
	if err := hl.Load(strings.NewReader(csv), "test.csv"); err != nil {
		t.Fatal(err)
	}
	r := newRegistry(t, Config{HashList: hl})
	fs := linkAll(t, r, []*corpus.Listing{
		{ID: "h1", Body: "Ana 21", Images: []corpus.Image{{Path: repost}}},
		{ID: "h2", Body: "Eva 30", Images: []corpus.Image{{Path: other}}},
		{ID: "h3", Body: "Ivy 40", Images: []corpus.Image{{Path: other}}},
	})
	sps := fs[0].Spans[SourceHashList]
	if fs[0].Links.HashList != 1 || len(sps) != 1 || !strings.Contains(sps[0].Note, "known-victims") || sps[0].Distance == nil {
		t.Errorf("h1 hash-list evidence %+v", sps)
	}
	for _, f := range fs[1:] {
		if f.Links.HashList != 0 || f.Links.ReusedPhotos != 0 {
			t.Errorf("%s: a negative-list photo matched or linked: %+v", f.ID, f.Links)
		}
	}
}

func TestHashListErrors(t *testing.T) {
	for _, in := range []string{
		"abcd,pdq,l,x\n",                       // short hash
		strings.Repeat("a", 16) + ",md5,l\n",   // unknown algorithm
		strings.Repeat("a", 16) + ",phash,\n",  // no list name
		strings.Repeat("z", 16) + ",phash,l\n", // not hex
		strings.Repeat("a", 16) + ",phash\n",   // too few fields
	} {
		if err := NewHashList().Load(strings.NewReader(in), "bad.csv"); err == nil || !strings.Contains(err.Error(), "bad.csv line 1") {
			t.Errorf("%q: error %v, want one naming the file and line", in, err)
		}
	}
}

func TestPersistAcrossBatches(t *testing.T) {
	dir := t.TempDir()
	orig, repost, _ := photoFiles(t)
	open := func() *Registry {
		st, err := OpenDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		return newRegistry(t, Config{Store: st})
	}
	r := open()
	linkAll(t, r, []*corpus.Listing{
		{ID: "A1", Country: "GB", Body: "Warehouse job abroad, free housing. Telegram @rabota_evropa24"},
		{ID: "A2", Body: "Mila 22", Images: []corpus.Image{{Path: orig}}},
		{ID: "A3", Country: "GB", Body: strings.Replace(strings.Replace(strings.Replace(templateBody, "%s", "York", 1), "%s", "07700 900333", 1), "%s", "Kim", 1)},
	})
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	r2 := open()
	defer r2.Close()
	if r2.Len() != 3 {
		t.Fatalf("reloaded %d entries, want 3", r2.Len())
	}
	fs := linkAll(t, r2, []*corpus.Listing{
		{ID: "B1", Country: "DE", Body: "Lagerarbeit in Holland, Unterkunft frei. Telegram: @rabota_evropa24"},
		{ID: "B2", Body: "Sara 30", Images: []corpus.Image{{Path: repost}}},
		{ID: "B3", Country: "GB", Body: strings.Replace(strings.Replace(strings.Replace(templateBody, "%s", "Hull", 1), "%s", "07700 900444", 1), "%s", "Zoe", 1)},
	})
	for i, want := range []struct{ src, id string }{{SourceSharedContact, "A1"}, {SourceReusedPhoto, "A2"}, {SourceTemplate, "A3"}} {
		if got := linked(fs[i], want.src); !slices.Equal(got, []string{want.id}) {
			t.Errorf("%s: %s links %v, want [%s]", fs[i].ID, want.src, got, want.id)
		}
	}
	// A crash cut the last line short: it is skipped, later entries are kept.
	r2.Close()
	f, err := os.OpenFile(filepath.Join(dir, storeFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"id":"cut","c":[1`)
	f.Close()
	r2 = open()
	defer r2.Close()
	linkAll(t, r2, []*corpus.Listing{{ID: "C1", Country: "GB", Body: "Call 020 7946 0777 now."}})
	if err := r2.Close(); err != nil {
		t.Fatal(err)
	}
	r2 = open()
	if r2.Len() != 7 {
		t.Errorf("after a cut line: %d entries, want 7", r2.Len())
	}

	// Rescanning a listing replaces its entry: it does not link to itself.
	fs = linkAll(t, r2, []*corpus.Listing{{ID: "A1", Country: "GB", Body: "Warehouse job abroad, free housing. Telegram @rabota_evropa24"}})
	if got := linked(fs[0], SourceSharedContact); !slices.Equal(got, []string{"B1"}) {
		t.Errorf("rescanned A1 links %v, want [B1]", got)
	}
}

func TestStoreSkipsDamagedLines(t *testing.T) {
	in := storeHeader + "\n" + `{"id":"a","c":[1]}` + "\n" + `{"id":"b","c":[` + "\n" + `{"id":"c"}` + "\n" + `{"id":"d","c":[2]`
	var ids []string
	skipped, err := readEntries(strings.NewReader(in), func(e *Entry) error { ids = append(ids, e.ID); return nil })
	if err != nil || skipped != 2 || !slices.Equal(ids, []string{"a", "c"}) {
		t.Errorf("ids %v, skipped %d, err %v", ids, skipped, err)
	}
	if _, err := readEntries(strings.NewReader("{}\n"), func(*Entry) error { return nil }); err == nil {
		t.Error("a file without the header was read")
	}
}

func TestLoadParams(t *testing.T) {
	p, err := LoadParams(strings.NewReader("generic_limit: 7\ntemplate:\n  min_jaccard: 0.5\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := DefaultParams()
	if p.GenericLimit != 7 || p.Template.MinJaccard != 0.5 || p.Template.Bands != d.Template.Bands {
		t.Errorf("params %+v", p)
	}
	for _, bad := range []string{"generic_limit: 1\n", "template:\n  bands: 1000\n", "nonsense: 1\n", "template:\n  min_jaccard: 2\n"} {
		if _, err := LoadParams(strings.NewReader(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestGivenPHash(t *testing.T) {
	r := newRegistry(t, Config{})
	fs := linkAll(t, r, []*corpus.Listing{
		{ID: "g1", Body: "a", Images: []corpus.Image{{URL: "https://img.example/1.jpg", PHash: "c3c3e1f0f0e1c3c3"}}},
		{ID: "g2", Body: "b", Images: []corpus.Image{{URL: "https://img.example/2.jpg", PHash: "C3C3E1F0F0E1C3C2"}}}, // 1 bit away
		{ID: "g3", Body: "c", Images: []corpus.Image{{URL: "https://img.example/3.jpg", PHash: "3c3c1e0f0f1e3c3c"}}},
	})
	if got := linked(fs[0], SourceReusedPhoto); !slices.Equal(got, []string{"g2"}) {
		t.Errorf("g1 photo links %v, want [g2]", got)
	}
	sp := fs[1].Spans[SourceReusedPhoto]
	if len(sp) != 1 || *sp[0].Distance != 1 || sp[0].Text != "https://img.example/2.jpg" || sp[0].Shared != "phash:c3c3e1f0f0e1c3c2" {
		t.Errorf("g2 evidence %+v", sp)
	}
	if fs[2].Links.ReusedPhotos != 0 {
		t.Error("g3 linked")
	}
}

// TestDeterministic links the same batch twice (Prepare and Link run
// concurrently) and expects identical features.
func TestDeterministic(t *testing.T) {
	dev := loadDevSet(t)
	run := func() map[string]indicators.Features {
		r := newRegistry(t, Config{})
		var ls []*corpus.Listing
		for _, d := range dev {
			l := *d.l
			ls = append(ls, &l)
		}
		out := map[string]indicators.Features{}
		for _, f := range linkAll(t, r, ls) {
			out[f.ID] = indicators.Features{Links: f.Links, Spans: map[string][]indicators.Span{
				SourceSharedContact: f.Spans[SourceSharedContact], SourceTemplate: f.Spans[SourceTemplate],
				SourceInconsistent: f.Spans[SourceInconsistent]}}
		}
		return out
	}
	a, b := run(), run()
	for id, fa := range a {
		if !reflect.DeepEqual(fa, b[id]) {
			t.Errorf("%s: links differ between runs:\n%+v\n%+v", id, fa, b[id])
		}
	}
}

func TestPostings(t *testing.T) {
	var p postings[uint64]
	for i, k := range []uint64{5, 3, 5, ^uint64(0), 0, 5, 9} {
		p.add(k, uint32(i))
	}
	p.build()
	p.add(5, 100)
	p.add(4, 101)
	p.build()
	for _, tc := range []struct {
		key  uint64
		want []uint32
	}{{5, []uint32{0, 2, 5, 100}}, {3, []uint32{1}}, {4, []uint32{101}}, {^uint64(0), []uint32{3}}, {0, []uint32{4}}, {7, nil}, {10, nil}} {
		var got []uint32
		for _, x := range p.lookup(tc.key, nil) {
			got = append(got, x.ord)
		}
		if !slices.Equal(got, tc.want) || p.count(tc.key) != len(tc.want) {
			t.Errorf("lookup(%d) = %v (count %d), want %v", tc.key, got, p.count(tc.key), tc.want)
		}
	}
}

// TestPostingsRuns grows postings by many small builds, as a streaming scan
// does, and checks every lookup against a map, and that runs stay few.
func TestPostingsRuns(t *testing.T) {
	var p postings[uint32]
	want := map[uint32][]uint32{}
	ord := uint32(0)
	for batch := range 300 {
		for range 1 + batch%17 {
			k := uint32(ord*2654435761) % 97
			if ord%11 == 0 {
				k = ^uint32(0)
			}
			p.add(k, ord)
			want[k] = append(want[k], ord)
			ord++
		}
		p.build()
		if len(p.runs) > 2*bits.Len(uint(ord))+1 {
			t.Fatalf("%d runs for %d postings", len(p.runs), ord)
		}
	}
	for k, ords := range want {
		var got []uint32
		for _, x := range p.lookup(k, nil) {
			got = append(got, x.ord)
		}
		slices.Sort(got)
		if !slices.Equal(got, ords) {
			t.Errorf("key %d: %v, want %v", k, got, ords)
		}
	}
}

func TestGenericPhoto(t *testing.T) {
	p := DefaultParams()
	p.GenericLimit = 3
	r := newRegistry(t, Config{Params: &p})
	var ls []*corpus.Listing
	for i := range 4 {
		ls = append(ls, &corpus.Listing{ID: string(rune('a' + i)), Body: "x", Images: []corpus.Image{{URL: "https://stock.example/logo.png", PHash: "c3c3e1f0f0e1c3c3"}}})
	}
	for _, f := range linkAll(t, r, ls) {
		if f.Links.ReusedPhotos != 0 || len(f.Spans[SourceGeneric]) != 1 || !strings.Contains(f.Spans[SourceGeneric][0].Note, "photo shared by more than 3 listings") {
			t.Errorf("%s: links %+v, generic %v", f.ID, f.Links, f.Spans[SourceGeneric])
		}
	}
}

// A job ad and an escort ad sharing a phone are linked across kinds; two
// job ads sharing one are not.
func TestCrossKind(t *testing.T) {
	r := newRegistry(t, Config{})
	fs := linkAll(t, r, []*corpus.Listing{
		{ID: "job1", Kind: "job", Country: "RS", Body: "Berba malina u Srbiji, plata dobra. Pozovite 063/555-0172 odmah."},
		{ID: "esc1", Kind: "escort", Country: "AT", Body: "New girls in Vienna, call or WhatsApp +381 63 555 0172 anytime."},
		{ID: "job2", Kind: "job", Country: "GB", Body: "Office cleaner wanted in Leeds, call 0113 496 0000 for details."},
		{ID: "job3", Kind: "job", Country: "GB", Body: "Warehouse staff wanted in York, call 0113 496 0000 today."},
	})
	for i, want := range []int{1, 1, 0, 0} {
		if got := fs[i].Links.CrossKind; got != want {
			t.Errorf("%s: cross_kind %d, want %d (links %+v)", fs[i].ID, got, want, fs[i].Links)
		}
	}
	if fs[2].Links.SharedContacts != 1 {
		t.Errorf("job2: shared_contacts %d, want 1", fs[2].Links.SharedContacts)
	}
}

// A registry stored by an earlier photohash pipeline (rt-photo-1) loads cleanly: its entries
// keep linking by contact and by pHash, but their PDQ hashes — incomparable with this
// pipeline's, and impossible to recompute since photos are never kept — are not indexed, and
// the registry says so (a warning) instead of refusing new photos or linking by bad distances.
func TestOldPipelineEntries(t *testing.T) {
	orig, repost, _ := photoFiles(t)
	fresh := newRegistry(t, Config{})
	linkAll(t, fresh, []*corpus.Listing{{ID: "N", Body: "x", Images: []corpus.Image{{Path: orig}}}})
	pe := fresh.entries[0].Photos[0]
	if pe.Pipeline != photohash.Pipeline {
		t.Fatalf("pipeline %q", pe.Pipeline)
	}
	// The same photo as rt-photo-1 stored it: whole-photo PDQ, windows, pHash.
	old := PhotoEntry{Ref: "old.jpg", Pipeline: "rt-photo-1"}
	for _, h := range pe.Hashes {
		if strings.HasPrefix(h, "pdq:") || strings.HasPrefix(h, "phash:") || strings.HasPrefix(h, "pdq-region/") {
			old.Hashes = append(old.Hashes, h)
		}
	}
	st := &MemStore{}
	st.Append([]*Entry{{ID: "OLD", Photos: []PhotoEntry{old}}})
	var logBuf bytes.Buffer
	r := newRegistry(t, Config{Store: st, Log: slog.New(slog.NewTextHandler(&logBuf, nil))})
	if r.oldPhoto != 1 || !strings.Contains(logBuf.String(), "earlier photohash pipeline") {
		t.Errorf("old photos %d, log %q", r.oldPhoto, logBuf.String())
	}
	fs := linkAll(t, r, []*corpus.Listing{{ID: "NEW", Body: "x", Images: []corpus.Image{{Path: repost}}}, {ID: "NEW2", Body: "y", Images: []corpus.Image{{Path: orig}}}})
	// NEW2 is the same file: linked to NEW by PDQ; to OLD only through the pHash, which
	// every pipeline computes alike (distance 0 to itself).
	if got := linked(fs[1], SourceReusedPhoto); !slices.Contains(got, "NEW") {
		t.Errorf("NEW2 photo links %v, want NEW among them", got)
	}
	for _, f := range fs {
		for _, sp := range f.Spans[SourceReusedPhoto] {
			if slices.Contains(sp.Linked, "OLD") && (sp.Distance == nil || *sp.Distance > DefaultParams().Photo.PHashDistance) {
				t.Errorf("%s linked to OLD at PDQ distance %v", f.ID, sp.Distance)
			}
		}
	}
}

// TestEntryAttrsJSON: the attributes embedded in an entry keep the stored
// format (top-level n, a, loc, nat), come back on load, and an entry
// without any keeps no Attrs.
func TestEntryAttrsJSON(t *testing.T) {
	e := &Entry{ID: "x", Attrs: &Attrs{Names: []string{"Ana"}, Ages: []int{19}, Location: "riga", Nationality: []string{"latvian"}}}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"id":"x","n":["Ana"],"a":[19],"loc":"riga","nat":["latvian"]}`; string(b) != want {
		t.Errorf("stored as %s, want %s", b, want)
	}
	var back Entry
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	back.derive()
	if back.Attrs == nil || back.Location != "riga" || back.attrs().nameKeys[0] != "ana" || back.attrs().natStems[0] != "latv" {
		t.Errorf("loaded %+v", back.Attrs)
	}
	var bare Entry
	if err := json.Unmarshal([]byte(`{"id":"y","c":[1]}`), &bare); err != nil {
		t.Fatal(err)
	}
	bare.derive()
	empty := &Entry{ID: "z", Attrs: &Attrs{}}
	empty.derive()
	if bare.Attrs != nil || empty.Attrs != nil || len(bare.attrs().nameKeys) != 0 {
		t.Errorf("entries without attributes keep %+v, %+v", bare.Attrs, empty.Attrs)
	}
}
