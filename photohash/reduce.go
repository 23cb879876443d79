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
	row := make([]float32, w) // one source row of luma
	const rc, gc, bc = float32(0.299), float32(0.587), float32(0.114)
	for y := range h {
		sy := b.Min.Y + y
		switch m := img.(type) {
		case *image.YCbCr: // a JPEG's Y plane is exactly this luma
			p := m.Y[m.YOffset(b.Min.X, sy):]
			for x := range row {
				row[x] = float32(p[x])
			}
		case *image.Gray:
			p := m.Pix[m.PixOffset(b.Min.X, sy):]
			for x := range row {
				row[x] = float32(p[x])
			}
		case *image.RGBA:
			p := m.Pix[m.PixOffset(b.Min.X, sy):]
			for x := range row {
				q := p[4*x : 4*x+3 : 4*x+3]
				row[x] = rc*float32(q[0]) + gc*float32(q[1]) + bc*float32(q[2])
			}
		case *image.NRGBA:
			// A transparent pixel counts as drawn over black, as in the RGBA path.
			p := m.Pix[m.PixOffset(b.Min.X, sy):]
			for x := range row {
				q := p[4*x : 4*x+4 : 4*x+4]
				row[x] = float32(q[3]) / 255 * (rc*float32(q[0]) + gc*float32(q[1]) + bc*float32(q[2]))
			}
		default:
			for x := range row {
				c := color.RGBAModel.Convert(img.At(b.Min.X+x, sy)).(color.RGBA)
				row[x] = rc*float32(c.R) + gc*float32(c.G) + bc*float32(c.B)
			}
		}
		a := acc[(y/f)*ow : (y/f+1)*ow]
		if f == 1 {
			copy(a, row)
			continue
		}
		for ox := range a {
			var s float32
			for _, v := range row[ox*f : min(w, ox*f+f)] {
				s += v
			}
			a[ox] += s
		}
	}
	if f > 1 {
		for oy := range oh {
			rows := float32(min(h, oy*f+f) - oy*f)
			for ox := range ow {
				acc[oy*ow+ox] /= rows * float32(min(w, ox*f+f)-ox*f)
			}
		}
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
