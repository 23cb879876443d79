package jpegscale

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"testing"
)

// pattern is a deterministic colour picture with detail at several scales.
func pattern(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			v := 128 + 60*math.Sin(float64(x)/7) + 50*math.Cos(float64(y)/5+float64(x)/30)
			img.Set(x, y, color.RGBA{uint8(v), uint8(255 - v), uint8((x * y) % 256), 255})
		}
	}
	return img
}

// At scale 1 the luma is image/jpeg's Y plane exactly; at 2, 4 and 8 it is the mean of each
// scale×scale block of that plane within rounding (the IDCT's rounding, and at 8 the DC
// coefficient's), for baseline and progressive files, 4:2:0 and gray.
func TestDecodeLumaMatchesImageJPEG(t *testing.T) {
	for _, tc := range []struct {
		name string
		img  image.Image
	}{
		{"ycbcr 203x117", pattern(203, 117)},
		{"gray 64x40", func() image.Image {
			g := image.NewGray(image.Rect(0, 0, 64, 40))
			for i := range g.Pix {
				g.Pix[i] = uint8(i * 7)
			}
			return g
		}()},
	} {
		var buf bytes.Buffer
		if err := jpeg.Encode(&buf, tc.img, &jpeg.Options{Quality: 90}); err != nil {
			t.Fatal(err)
		}
		std, err := jpeg.Decode(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		var y []uint8
		var stride int
		switch m := std.(type) {
		case *image.YCbCr:
			y, stride = m.Y, m.YStride
		case *image.Gray:
			y, stride = m.Pix, m.Stride
		}
		b := std.Bounds()
		for _, scale := range []int{1, 2, 4, 8} {
			got, err := DecodeLuma(bytes.NewReader(buf.Bytes()), scale)
			if err != nil {
				t.Fatalf("%s scale %d: %v", tc.name, scale, err)
			}
			if w, h := (b.Dx()+scale-1)/scale, (b.Dy()+scale-1)/scale; got.Bounds().Dx() != w || got.Bounds().Dy() != h {
				t.Fatalf("%s scale %d: %v, want %dx%d", tc.name, scale, got.Bounds(), w, h)
			}
			worst := 0.0
			for oy := range b.Dy() / scale {
				for ox := range b.Dx() / scale {
					var sum float64
					for yy := range scale {
						for xx := range scale {
							sum += float64(y[(oy*scale+yy)*stride+ox*scale+xx])
						}
					}
					d := math.Abs(float64(got.Pix[oy*got.Stride+ox]) - sum/float64(scale*scale))
					worst = max(worst, d)
				}
			}
			limit := 1.0
			if scale == 1 {
				limit = 0
			}
			if worst > limit {
				t.Errorf("%s scale %d: off by %.2f from the mean of image/jpeg's luma", tc.name, scale, worst)
			}
		}
	}
	if _, err := DecodeLuma(bytes.NewReader(nil), 3); err == nil {
		t.Error("scale 3 accepted")
	}
}

func TestDecodeLumaBadInput(t *testing.T) {
	var buf bytes.Buffer
	jpeg.Encode(&buf, pattern(40, 30), nil)
	data := buf.Bytes()
	for _, cut := range []int{0, 2, 20, len(data) / 2} {
		if _, err := DecodeLuma(bytes.NewReader(data[:cut]), 8); err == nil {
			t.Errorf("truncated to %d bytes: no error", cut)
		}
	}
}
