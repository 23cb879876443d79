package photohash

import (
	"image"
	"image/color"
)

// reducedMax is the longest side, in pixels, of the luma image every hash of a photo is
// computed from. PDQ keeps only the 16 lowest DCT frequencies of a 64×64 average (at most 8
// cycles across the photo), so 256 samples per side leave 4 per cell even in a 90% window.
const reducedMax = 256

// lumaImage is a row-major luma plane (Y = 0.299 R + 0.587 G + 0.114 B, 0..255).
type lumaImage struct {
	pix  []float32
	w, h int
}

// reduce averages img down to at most reducedMax pixels on its longest side in one pass over
// the source: each output pixel is the mean luma of an f×f block of source pixels (f the
// smallest integer that brings the longest side to reducedMax; blocks at the right and bottom
// edges may be narrower), so nothing aliases. Images already small enough are converted only.
func reduce(img image.Image) lumaImage {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	f := max(1, (max(w, h)+reducedMax-1)/reducedMax)
	ow, oh := (w+f-1)/f, (h+f-1)/f
	acc := make([]float32, ow*oh)
	cnt := make([]float32, ow*oh)
	// row adds one source row of luma values (0..255 scaled by scale) into output row oy.
	addRow := func(oy int, lum func(x int) float32) {
		a := acc[oy*ow : (oy+1)*ow]
		for x := 0; x < w; x += f {
			var s float32
			end := min(w, x+f)
			for xx := x; xx < end; xx++ {
				s += lum(xx)
			}
			a[x/f] += s
		}
	}
	const rc, gc, bc = float32(0.299), float32(0.587), float32(0.114)
	switch m := img.(type) {
	case *image.YCbCr:
		// A JPEG's Y plane is exactly this luma.
		for y := range h {
			row := m.Y[(y+b.Min.Y-m.Rect.Min.Y)*m.YStride+(b.Min.X-m.Rect.Min.X):]
			addRow(y/f, func(x int) float32 { return float32(row[x]) })
		}
	case *image.Gray:
		for y := range h {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			addRow(y/f, func(x int) float32 { return float32(row[x]) })
		}
	case *image.RGBA:
		for y := range h {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			addRow(y/f, func(x int) float32 {
				p := row[4*x : 4*x+3 : 4*x+3]
				return rc*float32(p[0]) + gc*float32(p[1]) + bc*float32(p[2])
			})
		}
	case *image.NRGBA:
		// Hashes see a transparent pixel's colour as drawn over black, like the RGBA path.
		for y := range h {
			row := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
			addRow(y/f, func(x int) float32 {
				p := row[4*x : 4*x+4 : 4*x+4]
				a := float32(p[3]) / 255
				return a * (rc*float32(p[0]) + gc*float32(p[1]) + bc*float32(p[2]))
			})
		}
	default:
		for y := range h {
			addRow(y/f, func(x int) float32 {
				c := color.RGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.RGBA)
				return rc*float32(c.R) + gc*float32(c.G) + bc*float32(c.B)
			})
		}
	}
	for y := range h {
		oy := y / f
		c := cnt[oy*ow : (oy+1)*ow]
		for x := 0; x < w; x += f {
			c[x/f] += float32(min(w, x+f) - x)
		}
	}
	for i := range acc {
		acc[i] /= cnt[i]
	}
	return lumaImage{pix: acc, w: ow, h: oh}
}

// cells64 averages the window (x0, y0, w, h) of l, in fractions of its width and height, down
// to the 64×64 grid PDQ's DCT reads.
func (l lumaImage) cells64(x0, y0, w, h float64) []float32 {
	return areaAverage64(l.pix, l.h, l.w, x0*float64(l.w), y0*float64(l.h), w*float64(l.w), h*float64(l.h))
}

// orient returns l transformed so that EXIF orientation o (2..8) becomes upright (see orient).
func (l lumaImage) orient(o int) lumaImage {
	w, h := l.w, l.h
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	out := lumaImage{pix: make([]float32, dw*dh), w: dw, h: dh}
	for y := range dh {
		for x := range dw {
			var sx, sy int
			switch o {
			case 2:
				sx, sy = w-1-x, y
			case 3:
				sx, sy = w-1-x, h-1-y
			case 4:
				sx, sy = x, h-1-y
			case 5:
				sx, sy = y, x
			case 6:
				sx, sy = y, h-1-x
			case 7:
				sx, sy = w-1-y, h-1-x
			case 8:
				sx, sy = w-1-y, x
			default:
				sx, sy = x, y
			}
			out.pix[y*dw+x] = l.pix[sy*w+sx]
		}
	}
	return out
}
