package photohash

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"os"
	"testing"
)

func TestReduce(t *testing.T) {
	// Each 3×3 block has one grey level; a 700-pixel side needs f = 3 (700/3 → 234 ≤ 256), the
	// last column and row of blocks being 1 pixel wide.
	g := image.NewGray(image.Rect(0, 0, 700, 301))
	for y := range 301 {
		for x := range 700 {
			g.Pix[y*g.Stride+x] = uint8((x/3 + 7*(y/3)) % 251)
		}
	}
	rgba := toRGBA(g)
	for _, tc := range []struct {
		name string
		img  image.Image
	}{{"gray", g}, {"rgba", rgba}, {"sub-image", rgba.SubImage(rgba.Bounds())}} {
		l := reduce(tc.img)
		if l.w != 234 || l.h != 101 {
			t.Fatalf("%s: %dx%d, want 234x101", tc.name, l.w, l.h)
		}
		for _, p := range [][2]int{{0, 0}, {5, 9}, {233, 100}, {100, 50}} {
			want := float32((p[0] + 7*p[1]) % 251)
			if got := l.pix[p[1]*l.w+p[0]]; math.Abs(float64(got-want)) > 0.01 {
				t.Errorf("%s: pixel %v = %v, want %v", tc.name, p, got, want)
			}
		}
	}
	// Small images are converted, not scaled; NRGBA counts transparency as black.
	n := image.NewNRGBA(image.Rect(0, 0, 10, 10))
	n.Set(2, 3, color.NRGBA{200, 200, 200, 128})
	l := reduce(n)
	if l.w != 10 || math.Abs(float64(l.pix[3*10+2]-200*128.0/255)) > 0.01 {
		t.Errorf("nrgba: %dx%d, pixel %v", l.w, l.h, l.pix[3*10+2])
	}
}

// The DCT-scaled luma decode gives nearly the hashes of decoding the whole JPEG and reducing
// it, and EXIF orientation is applied on that path too.
func TestDecodeReduced(t *testing.T) {
	for _, p := range []string{"testdata/pdq/reg-test-input/dih/bridge-1-original.jpg",
		"testdata/pdq/reg-test-input/labelme-subset/q0122.jpg", "testdata/pdq/misc-images/c.png"} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fast, err := HashBytes(data, DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		img, err := Decode(bytes.NewReader(data), DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		full, err := HashImage(img)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := fast.Global(AlgoPDQ)
		b, _ := full.Global(AlgoPDQ)
		if d, _ := Distance(a, b); d > 12 {
			t.Errorf("%s: scaled decode %d bits from the full decode", p, d)
		}
		if _, ok := Match(fast, full, DefaultThresholds()); !ok {
			t.Errorf("%s: scaled and full decode do not match", p)
		}
	}
	// A sideways-stored JPEG (EXIF 6) hashes like its upright copy.
	src := toRGBA(testPattern(320, 200))
	var up, side bytes.Buffer
	jpeg.Encode(&up, src, &jpeg.Options{Quality: 95})
	rot := image.NewRGBA(image.Rect(0, 0, 200, 320)) // stored rotated 90° anticlockwise
	for y := range 200 {
		for x := range 320 {
			rot.Set(y, 319-x, src.At(x, y))
		}
	}
	jpeg.Encode(&side, rot, &jpeg.Options{Quality: 95})
	a, err := HashBytes(up.Bytes(), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	b, err := HashBytes(withExif(side.Bytes(), 6), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if d := Distances(a, b, 0); d.Global > 16 {
		t.Errorf("EXIF-rotated JPEG: whole-photo distance %d", d.Global)
	}
}

// testPattern is a deterministic picture with structure at several scales.
func testPattern(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := 128 + 60*math.Sin(float64(x)/17) + 50*math.Cos(float64(y)/9+float64(x)/40)
			if (x/50+y/40)%3 == 0 {
				v = 255 - v
			}
			img.Set(x, y, color.Gray{uint8(v)})
		}
	}
	return img
}

// FuzzHashBytes: the DCT-scaling JPEG decoder and the rest of HashBytes never panic and
// respect the limits on hostile input.
func FuzzHashBytes(f *testing.F) {
	for _, p := range []string{"testdata/pdq/misc-images/wee.jpg", "testdata/pdq/misc-images/small.jpg"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 160, 120)), nil)
	f.Add(withExif(buf.Bytes(), 6))
	buf.Reset()
	jpeg.Encode(&buf, testPattern(64, 48), nil)
	f.Add(buf.Bytes())
	lim := Limits{MaxPixels: 1 << 20, MaxBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := HashBytes(data, lim)
		if err != nil {
			return
		}
		if _, ok := s.Global(AlgoPDQ); !ok {
			t.Fatal("no whole-photo hash")
		}
	})
}
