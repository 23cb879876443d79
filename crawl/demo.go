package crawl

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"html/template"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
)

//go:embed demodata/listings.jsonl
var demoCorpus []byte

// demoPhotos are freely licensed photographs (demodata/SOURCES.md); the
// demo site cuts each into tiles and gives every image name of its corpus
// a tile of its own, so listings naming one image share a real photo and
// other listings get different ones.
//
//go:embed demodata/photos/*.jpg
var demoPhotos embed.FS

// demoTileCols × demoTileRows tiles are cut from each photo.
const demoTileCols, demoTileRows = 4, 3

// DemoPerPage is the number of listings on one index page of the demo site.
const DemoPerPage = 20

// DemoCorpus returns the synthetic listings the demo site serves by default
// (demodata/listings.jsonl).
func DemoCorpus() ([]*corpus.Listing, error) {
	return ReadDemoCorpus(bytes.NewReader(demoCorpus), "demodata/listings.jsonl")
}

// ReadDemoCorpus reads listings for the demo site from JSON Lines. Bad
// lines are errors: the demo site should show every listing it is given.
func ReadDemoCorpus(r io.Reader, name string) ([]*corpus.Listing, error) {
	var out []*corpus.Listing
	for rec := range corpus.ReadJSONL(context.Background(), r, name, corpus.Options{}) {
		if rec.Err != nil {
			return nil, rec.Err
		}
		rec.Listing.EnsureID()
		out = append(out, rec.Listing)
	}
	if len(out) == 0 {
		return nil, errs.E("read demo corpus "+name, errs.Invalid, "no listings")
	}
	return out, nil
}

// demoSite serves listings as a small classifieds site.
type demoSite struct {
	all    []*corpus.Listing
	byID   map[string]*corpus.Listing
	byKind map[string][]*corpus.Listing
	kinds  []string
	imgMu  sync.Mutex
	imgs   map[string][]byte
	tiles  map[string]int // image name → tile number (see demoTile)
}

// DemoSite returns a handler serving listings as a classifieds website:
// index pages of DemoPerPage listings with pagination (/, /page/N), one
// index per kind (/c/KIND, /c/KIND/page/N), listing pages (/ad/ID) with
// every listing field, a photo per image URL (/img/NAME.png or .jpg: a
// tile of a freely licensed photograph, one per distinct name, so listings
// naming the same image get the same picture), and a robots.txt that allows crawling. The built-in adapter
// "demo" crawls it.
func DemoSite(listings []*corpus.Listing) http.Handler {
	s := &demoSite{all: listings, byID: map[string]*corpus.Listing{}, byKind: map[string][]*corpus.Listing{}, imgs: map[string][]byte{},
		tiles: demoTileNames(listings)}
	for _, l := range listings {
		s.byID[l.ID] = l
		k := l.Kind
		if k == "" {
			k = "other"
		}
		if len(s.byKind[k]) == 0 {
			s.kinds = append(s.kinds, k)
		}
		s.byKind[k] = append(s.byKind[k], l)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /robots.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "User-agent: *\nAllow: /\n")
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { s.index(w, "", s.all, 1) })
	mux.HandleFunc("GET /page/{n}", func(w http.ResponseWriter, r *http.Request) {
		s.index(w, "", s.all, pageNum(r.PathValue("n")))
	})
	mux.HandleFunc("GET /c/{kind}", func(w http.ResponseWriter, r *http.Request) {
		s.kindIndex(w, r.PathValue("kind"), "1")
	})
	mux.HandleFunc("GET /c/{kind}/page/{n}", func(w http.ResponseWriter, r *http.Request) {
		s.kindIndex(w, r.PathValue("kind"), r.PathValue("n"))
	})
	mux.HandleFunc("GET /ad/{id}", s.ad)
	mux.HandleFunc("GET /img/{name}", s.image)
	return mux
}

func pageNum(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0
	}
	return n
}

func (s *demoSite) kindIndex(w http.ResponseWriter, kind, n string) {
	ls, ok := s.byKind[kind]
	if !ok {
		http.NotFound(w, nil)
		return
	}
	s.index(w, kind, ls, pageNum(n))
}

var demoTmpl = template.Must(template.New("").Funcs(template.FuncMap{
	"paras": func(s string) []string { return strings.Split(s, "\n") },
	"adURL": func(id string) string { return "/ad/" + url.PathEscape(id) },
	"date": func(s string) string {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t.Format("2 Jan 2006")
		}
		return s
	},
}).Parse(`{{define "head"}}<!doctype html>
<html lang="{{if .Lang}}{{.Lang}}{{else}}en{{end}}"><head><meta charset="utf-8"><title>{{.Title}} · Demo Classifieds</title>
{{- if .Country}}<meta name="country" content="{{.Country}}">{{end}}{{if .Kind}}<meta name="kind" content="{{.Kind}}">{{end}}
<style>body{font-family:sans-serif;max-width:50em;margin:auto}img.photo{width:96px;height:96px}</style></head><body>
<header><a href="/">Demo Classifieds</a> · synthetic ads for testing redthread</header>
<nav class="categories">{{range .Kinds}}<a href="/c/{{.}}">{{.}}</a> {{end}}</nav>{{end}}
{{define "index"}}{{template "head" .}}<main><h1>{{.Title}}</h1><ul class="ads">
{{range .Listings}}<li><a class="listing" href="{{adURL .ID}}">{{.Title}}</a> <span class="location">{{.Location}}</span></li>
{{end}}</ul><p class="pages">{{if .Prev}}<a rel="prev" href="{{.Prev}}">previous</a>{{end}} page {{.Page}} of {{.Pages}} {{if .Next}}<a rel="next" href="{{.Next}}">next</a>{{end}}</p></main></body></html>{{end}}
{{define "ad"}}{{template "head" .}}<main><article class="ad" data-id="{{.L.ID}}">
<h1 class="title">{{.L.Title}}</h1>
<p class="meta"><span class="category">{{.L.Kind}}</span> · <span class="location">{{.L.Location}}</span>{{if .L.PostedAt}} · posted <time class="posted" datetime="{{.L.PostedAt}}">{{date .L.PostedAt}}</time>{{end}}</p>
{{if .L.Employer}}<p>Advertiser: <span class="employer">{{.L.Employer}}</span></p>{{end}}
{{if .L.EmployerInfo}}<div class="employer-info">{{.L.EmployerInfo}}</div>{{end}}
{{if .L.Pay}}<p>Pay: <span class="pay">{{.L.Pay}}</span></p>{{end}}
<div class="description">{{range paras .L.Body}}<p>{{.}}</p>{{end}}</div>
{{if .L.Contacts}}<h2>Contact</h2><ul class="contacts">{{range .L.Contacts}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .Images}}<div class="photos">{{range .Images}}<img class="photo" src="{{.}}" alt="photo">{{end}}</div>{{end}}
</article></main></body></html>{{end}}`))

type demoPage struct {
	Title, Lang, Country, Kind string
	Kinds                      []string
	Listings                   []*corpus.Listing
	Page, Pages                int
	Prev, Next                 string
	L                          *corpus.Listing
	Images                     []string
}

func (s *demoSite) index(w http.ResponseWriter, kind string, ls []*corpus.Listing, page int) {
	pages := (len(ls) + DemoPerPage - 1) / DemoPerPage
	if page < 1 || page > max(pages, 1) {
		http.NotFound(w, nil)
		return
	}
	prefix := "/"
	title := "All ads"
	if kind != "" {
		prefix = "/c/" + kind + "/"
		title = "Ads: " + kind
	}
	p := demoPage{Title: title, Kinds: s.kinds, Page: page, Pages: pages,
		Listings: ls[(page-1)*DemoPerPage : min(page*DemoPerPage, len(ls))]}
	if page > 1 {
		p.Prev = prefix + "page/" + strconv.Itoa(page-1)
		if page == 2 {
			p.Prev = strings.TrimSuffix(prefix, "/")
			if p.Prev == "" {
				p.Prev = "/"
			}
		}
	}
	if page < pages {
		p.Next = prefix + "page/" + strconv.Itoa(page+1)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := demoTmpl.ExecuteTemplate(w, "index", p); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

func (s *demoSite) ad(w http.ResponseWriter, r *http.Request) {
	l, ok := s.byID[r.PathValue("id")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	p := demoPage{Title: l.Title, Lang: l.Language, Country: l.Country, Kind: l.Kind, Kinds: s.kinds, L: l}
	for i, im := range l.Images {
		p.Images = append(p.Images, "/img/"+demoImageName(l, i, im.URL))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := demoTmpl.ExecuteTemplate(w, "ad", p); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// demoImageName names the picture of an image URL: its base name when it
// has one (so listings naming the same photo share it), else one derived
// from the listing.
func demoImageName(l *corpus.Listing, i int, u string) string {
	name := path.Base(strings.TrimSpace(u))
	ext := strings.ToLower(path.Ext(name))
	if name == "." || name == "/" || name == "" {
		name = fmt.Sprintf("%s-%d", l.ID, i)
	}
	name = strings.TrimSuffix(name, path.Ext(name))
	if ext == ".jpg" || ext == ".jpeg" {
		return url.PathEscape(name) + ".jpg"
	}
	return url.PathEscape(name) + ".png"
}

func (s *demoSite) image(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	ext := path.Ext(name)
	if ext != ".png" && ext != ".jpg" {
		http.NotFound(w, r)
		return
	}
	s.imgMu.Lock()
	data, ok := s.imgs[name]
	if !ok {
		if t, ok := s.tiles[name]; ok {
			data = demoTile(t, ext == ".jpg")
		}
		if data == nil {
			data = drawDemoImage(strings.TrimSuffix(name, ext), ext == ".jpg")
		}
		s.imgs[name] = data
	}
	s.imgMu.Unlock()
	if ext == ".jpg" {
		w.Header().Set("Content-Type", "image/jpeg")
	} else {
		w.Header().Set("Content-Type", "image/png")
	}
	w.Write(data)
}

// demoTileNames numbers the distinct image names of the listings, in
// sorted order, while there are photo tiles for them; names past the last
// tile are drawn by drawDemoImage.
func demoTileNames(ls []*corpus.Listing) map[string]int {
	seen := map[string]bool{}
	var names []string
	for _, l := range ls {
		for i, im := range l.Images {
			n := demoImageName(l, i, im.URL)
			if !seen[n] {
				seen[n] = true
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	out := map[string]int{}
	for i, n := range names {
		if i < demoTileCount() {
			out[n] = i
		}
	}
	return out
}

var (
	demoPhotoOnce sync.Once
	demoPhotoImgs []image.Image
)

func demoPhotoImages() []image.Image {
	demoPhotoOnce.Do(func() {
		entries, _ := fs.ReadDir(demoPhotos, "demodata/photos")
		for _, e := range entries {
			f, err := demoPhotos.Open("demodata/photos/" + e.Name())
			if err != nil {
				continue
			}
			img, err := jpeg.Decode(f)
			f.Close()
			if err == nil {
				demoPhotoImgs = append(demoPhotoImgs, img)
			}
		}
	})
	return demoPhotoImgs
}

func demoTileCount() int { return len(demoPhotoImages()) * demoTileCols * demoTileRows }

// demoTile encodes tile t: photo t mod the number of photos (so
// neighbouring names get different photos), tile t div it.
func demoTile(t int, asJPEG bool) []byte {
	photos := demoPhotoImages()
	if t < 0 || t >= demoTileCount() {
		return nil
	}
	img := photos[t%len(photos)]
	k := t / len(photos)
	b := img.Bounds()
	w, h := b.Dx()/demoTileCols, b.Dy()/demoTileRows
	x0, y0 := b.Min.X+(k%demoTileCols)*w, b.Min.Y+(k/demoTileCols)*h
	tile := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			tile.Set(x, y, img.At(x0+x, y0+y))
		}
	}
	var buf bytes.Buffer
	if asJPEG {
		jpeg.Encode(&buf, tile, &jpeg.Options{Quality: 85})
	} else {
		png.Encode(&buf, tile)
	}
	return buf.Bytes()
}

// drawDemoImage draws a 96×96 picture determined by seed: a 4×4 grid of
// colours and a diagonal band, different enough between seeds for
// perceptual hashes to tell them apart.
func drawDemoImage(seed string, asJPEG bool) []byte {
	h := fnv.New64a()
	io.WriteString(h, seed)
	v := h.Sum64()
	img := image.NewRGBA(image.Rect(0, 0, 96, 96))
	for y := 0; y < 96; y++ {
		for x := 0; x < 96; x++ {
			cell := uint((y/24)*4 + x/24)
			bits := (v >> (cell * 4 % 64)) & 0xf
			c := color.RGBA{uint8(bits * 16), uint8((bits ^ 0x5) * 15), uint8((bits ^ 0xa) * 14), 255}
			if (x+y+int(v%48))%48 < 8 {
				c = color.RGBA{240, 240, 240, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	if asJPEG {
		jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	} else {
		png.Encode(&buf, img)
	}
	return buf.Bytes()
}
