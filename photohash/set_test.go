package photohash

import (
	"errors"
	"image"
	"strings"
	"testing"
)

func hashTestFile(t testing.TB, path string) Set {
	t.Helper()
	s, err := HashFile(path, DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestHashFileSet(t *testing.T) {
	s := hashTestFile(t, "testdata/pdq/reg-test-input/dih/bridge-1-original.jpg")
	counts := map[string]int{}
	for _, h := range s.Hashes {
		counts[h.Algo]++
		if h.Pipeline != Pipeline {
			t.Errorf("%s: pipeline %q", h, h.Pipeline)
		}
		if n, _ := hashBytes(h.Algo); len(h.Bits) != n {
			t.Errorf("%s: %d bytes", h, len(h.Bits))
		}
	}
	if counts[AlgoPDQ] != 1 || counts[AlgoPHash] != 1 || counts[AlgoPDQRegion] != len(regions) || counts[AlgoPDQMask] != len(masks) {
		t.Errorf("hash counts %v", counts)
	}
	g, _ := s.Global(AlgoPDQ)
	// The pipeline's whole-photo PDQ (area-averaged) stays near Meta's reference hash of the
	// same file, so hashes from other PDQ implementations remain comparable.
	ref, _ := ParseHex(AlgoPDQ, referenceHashes(t)["reg-test-input/dih/bridge-1-original.jpg"])
	if d, _ := Distance(g, ref); d > 31 {
		t.Errorf("pipeline PDQ is %d from the reference PDQ", d)
	}
	if v := s.Dihedral(); len(v) != 8 || v[0].Hex() != g.Hex() {
		t.Errorf("Dihedral: %d variants", len(v))
	}
}

func TestMatch(t *testing.T) {
	th := DefaultThresholds()
	orig := hashTestFile(t, "testdata/pdq/reg-test-input/dih/bridge-1-original.jpg")
	for _, tc := range []struct {
		path string
		want bool
	}{
		{"testdata/pdq/reg-test-input/dih/bridge-2-rotate-90.jpg", true},
		{"testdata/pdq/reg-test-input/dih/bridge-5-flipx.jpg", true},
		{"testdata/pdq/reg-test-input/dih/bridge-8-flip-minus-1.jpg", true},
		{"testdata/pdq/reg-test-input/labelme-subset/q0122.jpg", false},
		{"testdata/pdq/reg-test-input/labelme-subset/q2821.jpg", false},
		{"testdata/pdq/misc-images/c.png", false},
	} {
		other := hashTestFile(t, tc.path)
		for _, pair := range [][2]Set{{orig, other}, {other, orig}} {
			if d, ok := Match(pair[0], pair[1], th); ok != tc.want {
				t.Errorf("%s: match %v (distance %d), want %v", tc.path, ok, d, tc.want)
			}
		}
	}
	// A crop found through the original's windows, even when only stored hashes are left.
	img, err := DecodeFile("testdata/pdq/reg-test-input/dih/bridge-1-original.jpg", DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	b := img.Bounds()
	cropped, err := HashImage(img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(image.Rect(b.Dx()/20, 0, b.Dx(), b.Dy()*95/100)))
	if err != nil {
		t.Fatal(err)
	}
	stored := Set{Hashes: orig.Hashes}
	d := Distances(stored, cropped, th.MinQuality)
	if _, ok := Match(stored, cropped, th); !ok || d.Region > th.PDQRegion {
		t.Errorf("5%% crop not matched: %+v", d)
	}
}

func TestHexRoundTrip(t *testing.T) {
	const hx = "d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22"
	h, err := ParseHex(AlgoPDQ, hx)
	if err != nil || h.Hex() != hx {
		t.Fatalf("ParseHex: %v, %s", err, h.Hex())
	}
	for _, tc := range []struct{ algo, s string }{
		{AlgoPDQ, hx[:62]}, {AlgoPDQ, hx[:63] + "g"}, {AlgoPHash, hx}, {"md5", hx},
	} {
		if _, err := ParseHex(tc.algo, tc.s); err == nil {
			t.Errorf("ParseHex(%s, %s) accepted", tc.algo, tc.s)
		}
	}
	p, _ := ParseHex(AlgoPHash, "80807f2f5dfac465")
	if _, err := Distance(h, p); !errors.Is(err, ErrIncomparable) {
		t.Errorf("PDQ vs pHash: %v", err)
	}
	a, b := h, h
	a.Pipeline, b.Pipeline = "rt-photo-1", "rt-photo-2"
	if _, err := Distance(a, b); !errors.Is(err, ErrIncomparable) {
		t.Errorf("different pipelines: %v", err)
	}
}

func TestLoadThresholds(t *testing.T) {
	def := DefaultThresholds()
	if def.PDQGlobal <= 0 || def.PDQDihedral <= 0 || def.PDQRegion <= 0 || def.PDQMask <= 0 || def.MinQuality <= 0 {
		t.Fatalf("embedded thresholds %+v", def)
	}
	th, err := LoadThresholds(strings.NewReader("# stricter\npdq_global\t20\npdq_dihedral\t12\npdq_mask\t9\n"))
	if err != nil || th.PDQGlobal != 20 || th.PDQDihedral != 12 || th.PDQMask != 9 || th.PDQRegion != def.PDQRegion {
		t.Errorf("override: %+v, %v", th, err)
	}
	for _, bad := range []string{"pdq_global\tx\n", "pdq_global\t300\n", "nonsense\t3\n", "pdq_global\n"} {
		if _, err := LoadThresholds(strings.NewReader(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestTooSmall(t *testing.T) {
	if _, err := HashImage(image.NewGray(image.Rect(0, 0, 4, 100))); err == nil {
		t.Error("4-pixel-wide image hashed")
	}
	if _, err := PDQ(image.NewGray(image.Rect(0, 0, 100, 3))); err == nil {
		t.Error("3-pixel-high image hashed")
	}
}

func FuzzParseHex(f *testing.F) {
	f.Add("pdq", "d8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22")
	f.Add("phash", "80807f2f5dfac465")
	f.Fuzz(func(t *testing.T, algo, s string) {
		h, err := ParseHex(algo, s)
		if err == nil && h.Hex() != strings.ToLower(s) {
			t.Fatalf("round trip %q → %q", s, h.Hex())
		}
	})
}

func FuzzLoadThresholds(f *testing.F) {
	f.Add(defaultThresholdsTSV)
	f.Fuzz(func(t *testing.T, s string) {
		th, err := LoadThresholds(strings.NewReader(s))
		if err == nil && (th.PDQGlobal < 0 || th.PDQGlobal > 256) {
			t.Fatalf("%+v", th)
		}
	})
}
