package photohash

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

// The robustness study: go test -run TestRobustness -photos /tmp/photos -v ./photohash/
// (photos from /work/shared/tools/fetch-photos.sh). Without -photos it runs on the PDQ reference
// photos in testdata and checks the embedded thresholds still hold there.
var photosDir = flag.String("photos", os.Getenv("REDTHREAD_PHOTOS"), "directory of real photos for the robustness study")

// edit is one thing reposting does to a photo.
type edit struct {
	name string
	fn   func(img *image.RGBA, k int) image.Image // k varies crop anchors between photos
}

func toRGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	m := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(m, m.Bounds(), img, b.Min, draw.Src)
	return m
}

func resize(img *image.RGBA, f float64) image.Image {
	b := img.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, max(1, int(float64(b.Dx())*f)), max(1, int(float64(b.Dy())*f))))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

func reencode(img *image.RGBA, q int) image.Image {
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: q}); err != nil {
		panic(err)
	}
	out, err := jpeg.Decode(&buf)
	if err != nil {
		panic(err)
	}
	return out
}

func brightness(img *image.RGBA, f float64) image.Image {
	out := image.NewRGBA(img.Bounds())
	for i, v := range img.Pix {
		if i%4 == 3 {
			out.Pix[i] = v
			continue
		}
		out.Pix[i] = uint8(min(255, float64(v)*f+0.5))
	}
	return out
}

// watermark draws a dark translucent band with white text across the bottom-right corner,
// 45% of the width, as sites and reposters stamp their name and a phone number.
func watermark(img *image.RGBA) image.Image {
	out := toRGBA(img)
	const text = "hot-girls-24.example  +44 7700 900123"
	d := &font.Drawer{Face: basicfont.Face7x13}
	tw := d.MeasureString(text).Ceil() + 8
	canvas := image.NewRGBA(image.Rect(0, 0, tw, 19))
	draw.Draw(canvas, canvas.Bounds(), &image.Uniform{color.NRGBA{0, 0, 0, 150}}, image.Point{}, draw.Src)
	d.Dst, d.Src, d.Dot = canvas, image.White, fixed.P(4, 14)
	d.DrawString(text)
	b := out.Bounds()
	w := b.Dx() * 45 / 100
	h := max(1, w*19/tw)
	r := image.Rect(b.Dx()-w-b.Dx()/50, b.Dy()-h-b.Dy()/50, b.Dx()-b.Dx()/50, b.Dy()-b.Dy()/50)
	draw.BiLinear.Scale(out, r, canvas, canvas.Bounds(), draw.Over, nil)
	return out
}

func mirror(img *image.RGBA) image.Image {
	b := img.Bounds()
	out := image.NewRGBA(b)
	for y := range b.Dy() {
		for x := range b.Dx() {
			copy(out.Pix[y*out.Stride+4*x:y*out.Stride+4*x+4], img.Pix[y*img.Stride+4*(b.Dx()-1-x):])
		}
	}
	return out
}

// crop keeps (1-f) of each side, anchored off-centre: the anchor cycles through the four
// corners and a point a quarter of the way in, so the removed margin is never split evenly.
func crop(img *image.RGBA, f float64, k int) image.Image {
	b := img.Bounds()
	w, h := int(float64(b.Dx())*(1-f)), int(float64(b.Dy())*(1-f))
	mx, my := b.Dx()-w, b.Dy()-h
	anchors := [][2]float64{{0, 0}, {1, 0}, {0, 1}, {1, 1}, {0.25, 0.75}}
	a := anchors[k%len(anchors)]
	x0, y0 := int(a[0]*float64(mx)), int(a[1]*float64(my))
	return img.SubImage(image.Rect(x0, y0, x0+w, y0+h))
}

var edits = []edit{
	{"resize50", func(m *image.RGBA, _ int) image.Image { return resize(m, 0.5) }},
	{"resize25", func(m *image.RGBA, _ int) image.Image { return resize(m, 0.25) }},
	{"jpeg50", func(m *image.RGBA, _ int) image.Image { return reencode(m, 50) }},
	{"bright+20", func(m *image.RGBA, _ int) image.Image { return brightness(m, 1.2) }},
	{"bright-20", func(m *image.RGBA, _ int) image.Image { return brightness(m, 0.8) }},
	{"watermark", func(m *image.RGBA, _ int) image.Image { return watermark(m) }},
	{"mirror", func(m *image.RGBA, _ int) image.Image { return mirror(m) }},
	{"crop5", func(m *image.RGBA, k int) image.Image { return crop(m, 0.05, k) }},
	{"crop10", func(m *image.RGBA, k int) image.Image { return crop(m, 0.10, k) }},
}

// photoGroups reads testdata/photo-groups.tsv: path → group ("-" = not a photograph).
func photoGroups(t testing.TB) map[string]string {
	f, err := os.Open("testdata/photo-groups.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	g := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if p, grp, ok := strings.Cut(sc.Text(), "\t"); ok && !strings.HasPrefix(p, "#") {
			g[p] = grp
		}
	}
	return g
}

type studyPhoto struct {
	name, group string
	orig        Set
	edited      []Set // one per edit
}

func loadStudy(t *testing.T) []studyPhoto {
	var files []string
	groups := map[string]string{}
	if *photosDir != "" {
		groups = photoGroups(t)
		filepath.WalkDir(*photosDir, func(p string, d os.DirEntry, err error) error {
			ext := strings.ToLower(filepath.Ext(p))
			if err == nil && !d.IsDir() && (ext == ".jpg" || ext == ".jpeg" || ext == ".png") {
				files = append(files, p)
			}
			return nil
		})
	} else {
		for _, p := range []string{"reg-test-input/dih/bridge-1-original.jpg", "misc-images/c.png",
			"reg-test-input/labelme-subset/q0122.jpg", "reg-test-input/labelme-subset/q0291.jpg",
			"reg-test-input/labelme-subset/q0746.jpg", "reg-test-input/labelme-subset/q1050.jpg",
			"reg-test-input/labelme-subset/q2821.jpg"} {
			files = append(files, filepath.Join("testdata/pdq", p))
		}
	}
	sort.Strings(files)
	var photos []studyPhoto
	for k, p := range files {
		rel := p
		if *photosDir != "" {
			rel, _ = filepath.Rel(*photosDir, p)
		}
		grp, ok := groups[rel]
		if grp == "-" {
			continue
		}
		if !ok {
			grp = rel
		}
		img, err := DecodeFile(p, DefaultLimits)
		if err != nil {
			t.Logf("skip %v", err)
			continue
		}
		m := toRGBA(img)
		sp := studyPhoto{name: rel, group: grp}
		if sp.orig, err = HashImage(img); err != nil { // as decoded from the file, like HashFile
			t.Logf("skip %s: %v", rel, err)
			continue
		}
		for _, e := range edits {
			s, err := HashImage(e.fn(m, k))
			if err != nil {
				t.Fatalf("%s %s: %v", rel, e.name, err)
			}
			sp.edited = append(sp.edited, s)
		}
		photos = append(photos, sp)
	}
	return photos
}

func phashDist(a, b Set) uint16 {
	pa, _ := a.Global(AlgoPHash)
	pb, _ := b.Global(AlgoPHash)
	d, err := Distance(pa, pb)
	if err != nil {
		return 64
	}
	return uint16(d)
}

func TestRobustness(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	photos := loadStudy(t)
	th := DefaultThresholds()
	// True pairs: original vs its edit.
	type dist struct{ g, r, p uint16 } // PDQ global, PDQ region, plain pHash
	truePairs := make([][]dist, len(edits))
	for _, p := range photos {
		for e := range edits {
			d := Distances(p.orig, p.edited[e], th.MinQuality)
			truePairs[e] = append(truePairs[e], dist{uint16(d.Global), uint16(d.Region), phashDist(p.orig, p.edited[e])})
		}
	}
	// False pairs: every version (original or edit) of one photo against every version of a
	// photo from a different group.
	var falsePairs []dist
	for i := range photos {
		for j := i + 1; j < len(photos); j++ {
			if photos[i].group == photos[j].group {
				continue
			}
			vi := append([]Set{photos[i].orig}, photos[i].edited...)
			vj := append([]Set{photos[j].orig}, photos[j].edited...)
			for _, a := range vi {
				for _, b := range vj {
					d := Distances(a, b, th.MinQuality)
					falsePairs = append(falsePairs, dist{uint16(d.Global), uint16(d.Region), phashDist(a, b)})
				}
			}
		}
	}
	rate := func(ds []dist, g, r int) float64 {
		n := 0
		for _, d := range ds {
			if int(d.g) <= g || int(d.r) <= r {
				n++
			}
		}
		return float64(n) / float64(max(1, len(ds)))
	}
	count := func(ds []dist, g, r int) int {
		n := 0
		for _, d := range ds {
			if int(d.g) <= g || int(d.r) <= r {
				n++
			}
		}
		return n
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "photos %d, false pairs %d (%d CPUs, %s/%s)\n", len(photos), len(falsePairs), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(&sb, "%-8s %-8s", "global", "region")
	for _, e := range edits {
		fmt.Fprintf(&sb, " %9s", e.name)
	}
	fmt.Fprintf(&sb, " %9s %9s\n", "falseN", "falseRate")
	var gs, rs []int
	if *photosDir != "" {
		gs, rs = []int{20, 31, 40, 50, 60, 70}, []int{-1, 10, 16, 20, 24, 28, 32, 36, 40}
	}
	gs, rs = append(gs, th.PDQGlobal), append(rs, th.PDQRegion)
	for _, g := range gs {
		for _, r := range rs {
			fmt.Fprintf(&sb, "%-8d %-8d", g, r)
			for e := range edits {
				fmt.Fprintf(&sb, " %9.3f", rate(truePairs[e], g, r))
			}
			n := count(falsePairs, g, r)
			fmt.Fprintf(&sb, " %9d %9.2g\n", n, float64(n)/float64(max(1, len(falsePairs))))
		}
	}
	// For comparison: the plain 64-bit pHash alone at distance ≤ 10 (no orientations, no regions).
	fmt.Fprintf(&sb, "%-17s", "phash<=10")
	for e := range edits {
		n := 0
		for _, d := range truePairs[e] {
			if d.p <= 10 {
				n++
			}
		}
		fmt.Fprintf(&sb, " %9.3f", float64(n)/float64(max(1, len(truePairs[e]))))
	}
	np := 0
	for _, d := range falsePairs {
		if d.p <= 10 {
			np++
		}
	}
	fmt.Fprintf(&sb, " %9d %9.2g\n", np, float64(np)/float64(max(1, len(falsePairs))))
	pct := func(v []int, p float64) int { return v[min(len(v)-1, int(p*float64(len(v))))] }
	fmt.Fprintf(&sb, "distance percentiles (global / region) p50 p90 p95 max:\n")
	for e, ed := range edits {
		var g, r []int
		for _, d := range truePairs[e] {
			g, r = append(g, int(d.g)), append(r, int(d.r))
		}
		sort.Ints(g)
		sort.Ints(r)
		fmt.Fprintf(&sb, "  %-9s global %3d %3d %3d %3d   region %3d %3d %3d %3d\n", ed.name,
			pct(g, .5), pct(g, .9), pct(g, .95), g[len(g)-1], pct(r, .5), pct(r, .9), pct(r, .95), r[len(r)-1])
	}
	{
		var g, r []int
		for _, d := range falsePairs {
			g, r = append(g, int(d.g)), append(r, int(d.r))
		}
		sort.Ints(g)
		sort.Ints(r)
		fmt.Fprintf(&sb, "  false pairs: global p0.001 %d p0.01 %d p1 %d; region p0.001 %d p0.01 %d p1 %d\n",
			pct(g, 1e-5), pct(g, 1e-4), pct(g, .01), pct(r, 1e-5), pct(r, 1e-4), pct(r, .01))
	}
	// Distance distribution of false pairs, to see how far the chosen thresholds are from them.
	var ming, minr uint16 = 256, 256
	for _, d := range falsePairs {
		ming, minr = min(ming, d.g), min(minr, d.r)
	}
	fmt.Fprintf(&sb, "closest false pair: global %d, region %d\n", ming, minr)
	t.Log("\n" + sb.String())
	// With the embedded thresholds, recall must meet the targets on whatever set ran.
	for e, ed := range edits {
		want := 0.95
		switch ed.name {
		case "crop5":
			want = 0.8
		case "crop10":
			want = 0
		}
		if r := rate(truePairs[e], th.PDQGlobal, th.PDQRegion); r < want {
			t.Errorf("%s: recall %.3f < %.2f", ed.name, r, want)
		}
	}
	if n := count(falsePairs, th.PDQGlobal, th.PDQRegion); float64(n) > 1e-5*float64(len(falsePairs)) && n > 0 {
		t.Errorf("false matches %d of %d pairs", n, len(falsePairs))
	}
}
