package photohash

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// pngBomb is a valid PNG signature and IHDR claiming w×h pixels, followed by a tiny IDAT.
func pngBomb(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&b, binary.BigEndian, uint32(len(data)))
		c := append([]byte(typ), data...)
		b.Write(c)
		binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(c))
	}
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB
	chunk("IHDR", ihdr)
	chunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})
	chunk("IEND", nil)
	return b.Bytes()
}

// gifBomb is a GIF header whose logical screen is w×h.
func gifBomb(w, h uint16) []byte {
	b := []byte("GIF89a")
	b = binary.LittleEndian.AppendUint16(b, w)
	b = binary.LittleEndian.AppendUint16(b, h)
	b = append(b, 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff) // 2-colour global table
	b = append(b, 0x2c, 0, 0, 0, 0)                      // image descriptor at 0,0 ...
	b = binary.LittleEndian.AppendUint16(b, w)
	b = binary.LittleEndian.AppendUint16(b, h)
	b = append(b, 0, 2, 2, 0x4c, 0x01, 0, 0x3b)
	return b
}

// jpegBomb is a JPEG whose frame header claims w×h.
func jpegBomb(w, h uint16) []byte {
	b := []byte{0xFF, 0xD8, 0xFF, 0xC0, 0, 11, 8}
	b = binary.BigEndian.AppendUint16(b, h)
	b = binary.BigEndian.AppendUint16(b, w)
	b = append(b, 1, 1, 0x11, 0)
	b = append(b, 0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 63, 0) // SOS: DecodeConfig stops here
	return append(b, 0xFF, 0xD9)
}

// webpBomb is a WebP (VP8X) whose canvas is w×h.
func webpBomb(w, h uint32) []byte {
	vp8x := []byte{0, 0, 0, 0}
	vp8x = append(vp8x, byte(w-1), byte((w-1)>>8), byte((w-1)>>16), byte(h-1), byte((h-1)>>8), byte((h-1)>>16))
	body := append([]byte("WEBPVP8X"), binary.LittleEndian.AppendUint32(nil, uint32(len(vp8x)))...)
	body = append(body, vp8x...)
	return append(append([]byte("RIFF"), binary.LittleEndian.AppendUint32(nil, uint32(len(body)))...), body...)
}

func TestBadInputs(t *testing.T) {
	orig, err := os.ReadFile("testdata/pdq/reg-test-input/dih/bridge-1-original.jpg")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		data []byte
		is   error // nil: any error
	}{
		{"empty.jpg", nil, ErrEmpty},
		{"truncated.jpg", orig[:len(orig)/3], nil},
		{"header-only.jpg", orig[:600], nil},
		{"corrupt.jpg", append(append([]byte{}, orig[:2000]...), bytes.Repeat([]byte{0xFF, 0x00, 0x13}, 3000)...), nil},
		{"notes.txt", []byte("Call 555-0100 for details, this is not an image\n"), ErrUnsupported},
		{"bomb.png", pngBomb(100000, 100000), ErrTooLarge},
		{"bomb-wide.png", pngBomb(1<<31-1, 1), ErrTooLarge},
		{"bomb.gif", gifBomb(65535, 65535), ErrTooLarge},
		{"bomb.jpg", jpegBomb(65500, 65500), ErrTooLarge},
		{"bomb.webp", webpBomb(16000, 16000), ErrTooLarge},
		{"zero-size.png", pngBomb(0, 0), nil},
		{"tiny.png", pngBomb(3, 3), nil}, // decodes only if IDAT is right; hashing refuses < 5 px anyway
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := HashFile(path, DefaultLimits)
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name the file", err)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v, want %v", err, tc.is)
			}
			// Refused files must not make the decoder allocate for the claimed size: the
			// whole run stays within a few times the input (the bridge photo is 1.6 MP).
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16<<20 {
				t.Errorf("allocated %d MB", alloc>>20)
			}
		})
	}
}

func TestDecodeRefusesOversizedStream(t *testing.T) {
	lim := Limits{MaxPixels: DefaultLimits.MaxPixels, MaxBytes: 1 << 20}
	data := append(jpegBomb(10, 10), make([]byte, 2<<20)...)
	if _, err := Decode(bytes.NewReader(data), lim); !errors.Is(err, ErrTooLarge) {
		t.Errorf("2 MB stream with a 1 MB limit: %v", err)
	}
	path := filepath.Join(t.TempDir(), "big.jpg")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeFile(path, lim); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), path) {
		t.Errorf("2 MB file with a 1 MB limit: %v", err)
	}
}

// withExif inserts an APP1 Exif segment with the given Orientation right after SOI.
func withExif(jpg []byte, orientation uint16) []byte {
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01")
	tiff = append(tiff, 0x01, 0x12, 0x00, 0x03, 0, 0, 0, 1)
	tiff = binary.BigEndian.AppendUint16(tiff, orientation)
	tiff = append(tiff, 0, 0, 0, 0, 0, 0)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	out := append([]byte{0xFF, 0xD8, 0xFF, 0xE1}, binary.BigEndian.AppendUint16(nil, uint16(len(seg)+2))...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

func TestDecodeAppliesExifOrientation(t *testing.T) {
	// The upright picture is 64×32, red block top-left, green block top-right. For each EXIF
	// orientation, the stored pixels put those blocks where a camera would have.
	red, green := color.RGBA{220, 0, 0, 255}, color.RGBA{0, 200, 0, 255}
	type corner int
	const (
		tl corner = iota
		tr
		bl
		br
	)
	for _, tc := range []struct {
		o          uint16
		tall       bool // stored pixels are 32×64
		redAt, grn corner
	}{
		{1, false, tl, tr}, {2, false, tr, tl}, {3, false, br, bl}, {4, false, bl, br},
		{5, true, tl, bl}, {6, true, bl, tl}, {7, true, br, tr}, {8, true, tr, br},
	} {
		w, h := 64, 32
		if tc.tall {
			w, h = 32, 64
		}
		m := image.NewRGBA(image.Rect(0, 0, w, h))
		for i := range m.Pix {
			m.Pix[i] = 128
		}
		paint := func(c corner, col color.RGBA) {
			x0, y0 := 0, 0
			if c == tr || c == br {
				x0 = w - 12
			}
			if c == bl || c == br {
				y0 = h - 12
			}
			for y := y0; y < y0+12; y++ {
				for x := x0; x < x0+12; x++ {
					m.Set(x, y, col)
				}
			}
		}
		paint(tc.redAt, red)
		paint(tc.grn, green)
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 95}); err != nil {
			t.Fatal(err)
		}
		img, err := Decode(bytes.NewReader(withExif(buf.Bytes(), tc.o)), DefaultLimits)
		if err != nil {
			t.Fatalf("orientation %d: %v", tc.o, err)
		}
		if b := img.Bounds(); b.Dx() != 64 || b.Dy() != 32 {
			t.Fatalf("orientation %d: upright size %v, want 64×32", tc.o, b.Size())
		}
		r1, g1, _, _ := img.At(5, 5).RGBA()
		r2, g2, _, _ := img.At(58, 5).RGBA()
		if r1>>8 < 150 || g1>>8 > 80 || g2>>8 < 150 || r2>>8 > 80 {
			t.Errorf("orientation %d: top-left %v, top-right %v; want red, green", tc.o, img.At(5, 5), img.At(58, 5))
		}
	}
}

func TestExifOrientationMalformed(t *testing.T) {
	var buf bytes.Buffer
	jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil)
	good := withExif(buf.Bytes(), 6)
	if o := exifOrientation(good); o != 6 {
		t.Fatalf("orientation %d, want 6", o)
	}
	segEnd := 4 + int(binary.BigEndian.Uint16(good[4:])) // SOI, APP1 marker, then the segment
	for n := range 60 {
		if o := exifOrientation(good[:n]); o != 0 && n < segEnd {
			t.Errorf("cut at %d: orientation %d from a truncated segment", n, o)
		}
	}
	if o := exifOrientation(withExif(buf.Bytes(), 9)); o != 0 {
		t.Errorf("orientation 9 accepted as %d", o)
	}
}

func FuzzDecode(f *testing.F) {
	for _, p := range []string{"testdata/pdq/misc-images/wee.jpg", "testdata/pdq/misc-images/small.jpg"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 16, 8)), nil)
	f.Add(withExif(buf.Bytes(), 6))
	f.Add(pngBomb(100000, 100000))
	f.Add(gifBomb(20, 20))
	f.Add(webpBomb(20, 20))
	lim := Limits{MaxPixels: 1 << 20, MaxBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Decode(bytes.NewReader(data), lim)
		if err != nil {
			return
		}
		if b := img.Bounds(); b.Dx()*b.Dy() > lim.MaxPixels {
			t.Fatalf("decoded %v over the pixel limit", b)
		}
		if _, err := HashImage(img); err != nil && !errors.Is(err, errTooSmall) {
			t.Fatal(err)
		}
	})
}

func FuzzExifOrientation(f *testing.F) {
	var buf bytes.Buffer
	jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8)), nil)
	f.Add(withExif(buf.Bytes(), 3))
	f.Fuzz(func(t *testing.T, data []byte) {
		if o := exifOrientation(data); o < 0 || o > 8 {
			t.Fatalf("orientation %d", o)
		}
	})
}
