package photohash

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"math/bits"
	"sort"
)

// PDQ is Meta's 256-bit perceptual photo hash. This file follows the published reference
// implementation (github.com/facebook/ThreatExchange, pdq/cpp) step by step, in float32 like the
// reference so that hashes agree bit for bit on most images.

const (
	pdqDim        = 64 // decimated image size
	pdqDCT        = 16 // DCT coefficients kept per axis
	pdqMinDim     = 5  // images smaller than this on a side are not hashed
	pdqJaroszPass = 2  // box-filter passes per axis
)

// errTooSmall is returned for images under pdqMinDim pixels on a side.
var errTooSmall = errors.New("image smaller than 5 pixels on a side")

// pdqDCTMatrix is the 16x64 DCT-II matrix without the DC row.
var pdqDCTMatrix = func() (d [pdqDCT][pdqDim]float32) {
	scale := math.Sqrt(2.0 / pdqDim)
	for i := range pdqDCT {
		for j := range pdqDim {
			d[i][j] = float32(scale * math.Cos(math.Pi/2/pdqDim*float64(i+1)*float64(2*j+1)))
		}
	}
	return d
}()

// pdqCoeffs is the 16x16 block of DCT coefficients that PDQ thresholds; keeping it allows the
// 8 dihedral variants to be derived without another pass over the pixels.
type pdqCoeffs [pdqDCT][pdqDCT]float32

// luma converts img to a row-major float32 luma buffer (Y = 0.299 R + 0.587 G + 0.114 B).
func luma(img image.Image) (buf []float32, rows, cols int) {
	b := img.Bounds()
	rows, cols = b.Dy(), b.Dx()
	buf = make([]float32, rows*cols)
	const rc, gc, bc = float32(0.299), float32(0.587), float32(0.114)
	switch m := img.(type) {
	case *image.RGBA:
		for y := range rows {
			p := m.Pix[y*m.Stride : y*m.Stride+4*cols]
			o := buf[y*cols : (y+1)*cols]
			for x := range o {
				o[x] = rc*float32(p[4*x]) + gc*float32(p[4*x+1]) + bc*float32(p[4*x+2])
			}
		}
	case *image.NRGBA:
		for y := range rows {
			p := m.Pix[y*m.Stride : y*m.Stride+4*cols]
			o := buf[y*cols : (y+1)*cols]
			for x := range o {
				o[x] = rc*float32(p[4*x]) + gc*float32(p[4*x+1]) + bc*float32(p[4*x+2])
			}
		}
	case *image.YCbCr:
		for y := range rows {
			o := buf[y*cols : (y+1)*cols]
			for x := range o {
				yi := m.YOffset(b.Min.X+x, b.Min.Y+y)
				ci := m.COffset(b.Min.X+x, b.Min.Y+y)
				r, g, bb := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
				o[x] = rc*float32(r) + gc*float32(g) + bc*float32(bb)
			}
		}
	case *image.Gray:
		for y := range rows {
			p := m.Pix[y*m.Stride : y*m.Stride+cols]
			o := buf[y*cols : (y+1)*cols]
			for x := range o {
				o[x] = float32(p[x])
			}
		}
	default:
		for y := range rows {
			for x := range cols {
				c := color.NRGBAModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)).(color.NRGBA)
				buf[y*cols+x] = rc*float32(c.R) + gc*float32(c.G) + bc*float32(c.B)
			}
		}
	}
	return buf, rows, cols
}

// box1D is one pass of the reference box filter over n samples spaced stride apart. The window
// shrinks at both edges; for even windows it reaches one further right than left. It keeps a
// running float32 sum in the reference's order of operations.
func box1D(in, out []float32, n, stride, window int) {
	half := (window + 2) / 2
	p1 := half - 1
	p2 := window - half + 1
	p3 := n - window
	p4 := half - 1
	li, ri, oi := 0, 0, 0
	var sum float32
	cur := 0
	for range p1 {
		sum += in[ri]
		cur++
		ri += stride
	}
	for range p2 {
		sum += in[ri]
		cur++
		out[oi] = sum / float32(cur)
		ri += stride
		oi += stride
	}
	for range p3 {
		sum += in[ri]
		sum -= in[li]
		out[oi] = sum / float32(cur)
		li += stride
		ri += stride
		oi += stride
	}
	for range p4 {
		sum -= in[li]
		cur--
		out[oi] = sum / float32(cur)
		li += stride
		oi += stride
	}
}

// jaroszWindow is the reference's box window for shrinking old samples to 64.
func jaroszWindow(old int) int { return (old + 2*pdqDim - 1) / (2 * pdqDim) }

// jarosz blurs buf in place (tmp is scratch of the same size).
func jarosz(buf, tmp []float32, rows, cols int) {
	wr, wc := jaroszWindow(cols), jaroszWindow(rows)
	for range pdqJaroszPass {
		for i := range rows {
			box1D(buf[i*cols:], tmp[i*cols:], cols, 1, wr)
		}
		for j := range cols {
			box1D(tmp[j:], buf[j:], rows, cols, wc)
		}
	}
}

// pdqFromLuma computes the DCT coefficients and quality of a luma buffer; buf is destroyed.
func pdqFromLuma(buf []float32, rows, cols int) (c pdqCoeffs, quality int, err error) {
	if rows < pdqMinDim || cols < pdqMinDim {
		return c, 0, errTooSmall
	}
	tmp := make([]float32, len(buf))
	jarosz(buf, tmp, rows, cols)
	var a [pdqDim][pdqDim]float32
	for i := range pdqDim {
		ini := int((float64(i) + 0.5) * float64(rows) / pdqDim)
		for j := range pdqDim {
			inj := int((float64(j) + 0.5) * float64(cols) / pdqDim)
			a[i][j] = buf[ini*cols+inj]
		}
	}
	quality = pdqQuality(&a)
	// T = D A, then B = T Dᵀ.
	var t [pdqDCT][pdqDim]float32
	d := &pdqDCTMatrix
	for i := range pdqDCT {
		for j := range pdqDim {
			var s float32
			for k := range pdqDim {
				s += d[i][k] * a[k][j]
			}
			t[i][j] = s
		}
	}
	for i := range pdqDCT {
		for j := range pdqDCT {
			var s float32
			for k := range pdqDim {
				s += t[i][k] * d[j][k]
			}
			c[i][j] = s
		}
	}
	return c, quality, nil
}

// pdqQuality is the reference's gradient-sum quality metric, 0..100.
func pdqQuality(a *[pdqDim][pdqDim]float32) int {
	sum := 0
	for i := range pdqDim - 1 {
		for j := range pdqDim {
			d := int((a[i][j] - a[i+1][j]) * 100 / 255)
			if d < 0 {
				d = -d
			}
			sum += d
		}
	}
	for i := range pdqDim {
		for j := range pdqDim - 1 {
			d := int((a[i][j] - a[i][j+1]) * 100 / 255)
			if d < 0 {
				d = -d
			}
			sum += d
		}
	}
	return min(100, sum/90)
}

// bits thresholds the coefficients at their median: bit i*16+j is set where c[i][j] > median.
func (c *pdqCoeffs) bits() (h [32]byte) {
	var v [256]float32
	for i := range pdqDCT {
		copy(v[i*pdqDCT:], c[i][:])
	}
	s := v
	sort.Slice(s[:], func(i, j int) bool { return s[i] < s[j] })
	// Torben's median of an even count returns the lower middle value.
	m := s[127]
	for k, x := range v {
		if x > m {
			// word w = k/16 holds bit k%16; hex prints word 15 first, big-endian per word,
			// so store words big-endian from the end: byte index of word w is 30-2w.
			w := k / 16
			b := k % 16
			idx := 30 - 2*w
			if b >= 8 {
				h[idx] |= 1 << (b - 8)
			} else {
				h[idx+1] |= 1 << b
			}
		}
	}
	return h
}

// Dihedral transforms, in the order of the reference's dihedral outputs.
const (
	dihOriginal = iota
	dihRotate90
	dihRotate180
	dihRotate270
	dihFlipX
	dihFlipY
	dihFlipPlus1
	dihFlipMinus1
)

// dihedralNames names the 8 orientations in the order returned by dihedral.
var dihedralNames = [8]string{"orig", "rot90", "rot180", "rot270", "flipx", "flipy", "flipplus1", "flipminus1"}

// dihedral returns the coefficients of the 8 rotations/mirrors of the image.
func (c *pdqCoeffs) dihedral() (out [8]pdqCoeffs) {
	for i := range pdqDCT {
		for j := range pdqDCT {
			v := c[i][j]
			// The reference names mirrors by the axis they flip about: flipx turns the image
			// upside-down (about the x axis), flipy mirrors it left-right.
			sj := float32(1) // (-1)^(j+1): left-right mirror
			if j%2 == 0 {
				sj = -1
			}
			si := float32(1) // (-1)^(i+1): upside-down
			if i%2 == 0 {
				si = -1
			}
			out[dihOriginal][i][j] = v
			out[dihRotate90][j][i] = v * sj
			out[dihRotate180][i][j] = v * si * sj
			out[dihRotate270][j][i] = v * si
			out[dihFlipX][i][j] = v * si
			out[dihFlipY][i][j] = v * sj
			out[dihFlipPlus1][j][i] = v
			out[dihFlipMinus1][j][i] = v * si * sj
		}
	}
	return out
}

// popcount256 is the Hamming weight of a 256-bit value.
func hamming(a, b []byte) int {
	n := 0
	for len(a) >= 8 {
		x := uint64(a[0]^b[0]) | uint64(a[1]^b[1])<<8 | uint64(a[2]^b[2])<<16 | uint64(a[3]^b[3])<<24 |
			uint64(a[4]^b[4])<<32 | uint64(a[5]^b[5])<<40 | uint64(a[6]^b[6])<<48 | uint64(a[7]^b[7])<<56
		n += bits.OnesCount64(x)
		a, b = a[8:], b[8:]
	}
	for i := range a {
		n += bits.OnesCount8(a[i] ^ b[i])
	}
	return n
}

// PDQResult is the PDQ hash of one image together with what is needed to derive its 8
// rotations/mirrors cheaply.
type PDQResult struct {
	Hash   Hash // Algo AlgoPDQ, Pipeline "", Quality set
	coeffs pdqCoeffs
}

// PDQ hashes img at its own resolution exactly as Meta's reference implementation does (no
// pre-shrinking; HashImage shrinks first). It fails for images under 5 pixels on a side.
func PDQ(img image.Image) (PDQResult, error) {
	buf, rows, cols := luma(img)
	c, q, err := pdqFromLuma(buf, rows, cols)
	if err != nil {
		return PDQResult{}, fmt.Errorf("photohash: pdq: %w", err)
	}
	b := c.bits()
	return PDQResult{Hash: Hash{Algo: AlgoPDQ, Bits: b[:], Quality: q}, coeffs: c}, nil
}

// Dihedral returns the hashes of the image rotated by 0, 90, 180 and 270 degrees and mirrored
// left-right, upside-down, about the main diagonal and about the anti-diagonal — in the order of
// Meta's reference tools (original, rotate90, rotate180, rotate270, flipx, flipy, flipplus1,
// flipminus1). Element 0 equals r.Hash.
func (r PDQResult) Dihedral() [8]Hash {
	var out [8]Hash
	for k, c := range r.coeffs.dihedral() {
		b := c.bits()
		out[k] = r.Hash
		out[k].Bits = b[:]
	}
	return out
}
