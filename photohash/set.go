package photohash

import (
	"encoding/binary"
	"fmt"
	"image"

	"github.com/corona10/goimagehash"
	"golang.org/x/image/draw"
)

// shrinkMax is the longest side, in pixels, that photos are shrunk to (once) before hashing.
// PDQ blurs down to 64×64 anyway; 512 keeps enough detail for the 60–90% region windows.
const shrinkMax = 512

// region is a sub-window of the photo, in fractions of its width and height.
type region struct {
	name       string
	x0, y0, sz float64 // left, top, side (same fraction of width and of height)
}

// regions are the sub-windows hashed besides the whole photo: windows of 95% and 90% of each
// side, each at the 9 positions of a 3×3 grid (corners, edge midpoints, centre). A cropped repost
// is close to one of the original's windows, so comparing one photo's whole-photo hash with the
// other's windows recovers small crops that defeat global hashes. Names are the window side in
// percent, then the anchor: "95tl", "95t", ..., "90c", ..., "90br".
var regions = func() []region {
	var rs []region
	anchors := []struct {
		name   string
		ax, ay float64
	}{{"tl", 0, 0}, {"t", 0.5, 0}, {"tr", 1, 0}, {"l", 0, 0.5}, {"c", 0.5, 0.5}, {"r", 1, 0.5},
		{"bl", 0, 1}, {"b", 0.5, 1}, {"br", 1, 1}}
	for _, sz := range []float64{0.95, 0.90} {
		for _, a := range anchors {
			rs = append(rs, region{fmt.Sprintf("%.0f%s", sz*100, a.name), a.ax * (1 - sz), a.ay * (1 - sz), sz})
		}
	}
	return rs
}()

// Set is everything computed for one photo: the global PDQ hash, the 64-bit pHash and PDQ hashes
// of the sub-windows listed in regions. All carry Pipeline.
type Set struct {
	Hashes []Hash
	// coeffs of the global PDQ, kept so Dihedral can derive rotations and mirrors; nil for a
	// Set rebuilt from stored hashes.
	coeffs *pdqCoeffs
}

// Global returns the whole-photo hash of the given algorithm (AlgoPDQ or AlgoPHash).
func (s Set) Global(algo string) (Hash, bool) {
	for _, h := range s.Hashes {
		if h.Algo == algo && h.Region == "" {
			return h, true
		}
	}
	return Hash{}, false
}

// Dihedral returns the global PDQ hash of the photo in its 8 rotations/mirrors (see
// PDQResult.Dihedral), or nil if the Set was rebuilt from stored hashes without pixels. Query an
// Index with all 8 to find mirrored or rotated reposts.
func (s Set) Dihedral() []Hash {
	if s.coeffs == nil {
		return nil
	}
	g, _ := s.Global(AlgoPDQ)
	v := PDQResult{Hash: g, coeffs: *s.coeffs}.Dihedral()
	return v[:]
}

// Shrink scales img down (never up) so its longest side is at most 512 pixels, once, with an
// area-averaging kernel of golang.org/x/image/draw (which filters over the whole source
// footprint, so fine detail does not alias).
func Shrink(img image.Image) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w <= shrinkMax && h <= shrinkMax {
		return img
	}
	if w >= h {
		h = max(1, (h*shrinkMax+w/2)/w)
		w = shrinkMax
	} else {
		w = max(1, (w*shrinkMax+h/2)/h)
		h = shrinkMax
	}
	src := img
	if y, ok := img.(*image.YCbCr); ok {
		// Everything hashed is luma, and a JPEG's Y plane is exactly the luma PDQ and pHash
		// compute from RGB (0.299 R + 0.587 G + 0.114 B), so scale one plane instead of three.
		src = &image.Gray{Pix: y.Y, Stride: y.YStride, Rect: y.Rect}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	boxKernel.Scale(dst, dst.Bounds(), src, b, draw.Src, nil)
	return dst
}

// boxKernel is an area-averaging (box) kernel for golang.org/x/image/draw: when shrinking, each
// output pixel averages the source pixels it covers, which suppresses aliasing like BiLinear
// but reads half as many source taps.
var boxKernel = &draw.Kernel{Support: 0.5, At: func(float64) float64 { return 1 }}

// HashImage shrinks img once and computes its Set: global PDQ, pHash and region PDQ hashes.
// Images under 5 pixels on a side are refused.
func HashImage(img image.Image) (Set, error) {
	small := Shrink(img)
	buf, rows, cols := luma(small)
	if rows < pdqMinDim || cols < pdqMinDim {
		return Set{}, fmt.Errorf("photohash: %w", errTooSmall)
	}
	s := Set{Hashes: make([]Hash, 0, 2+len(regions))}
	for _, r := range regions {
		cell := areaAverage64(buf, rows, cols, r.x0*float64(cols), r.y0*float64(rows), r.sz*float64(cols), r.sz*float64(rows))
		c, q, err := pdqFromLuma(cell, pdqDim, pdqDim)
		if err != nil {
			return Set{}, fmt.Errorf("photohash: region %s: %w", r.name, err)
		}
		b := c.bits()
		s.Hashes = append(s.Hashes, Hash{Algo: AlgoPDQRegion, Pipeline: Pipeline, Bits: b[:], Quality: q, Region: r.name})
	}
	cell := areaAverage64(buf, rows, cols, 0, 0, float64(cols), float64(rows))
	c, q, err := pdqFromLuma(cell, pdqDim, pdqDim)
	if err != nil {
		return Set{}, fmt.Errorf("photohash: %w", err)
	}
	b := c.bits()
	s.coeffs = &c
	global := Hash{Algo: AlgoPDQ, Pipeline: Pipeline, Bits: b[:], Quality: q}
	ph, err := goimagehash.PerceptionHash(small)
	if err != nil {
		return Set{}, fmt.Errorf("photohash: phash: %w", err)
	}
	pb := binary.BigEndian.AppendUint64(nil, ph.GetHash())
	s.Hashes = append([]Hash{global, {Algo: AlgoPHash, Pipeline: Pipeline, Bits: pb, Quality: 100}}, s.Hashes...)
	return s, nil
}

// HashFile decodes the named file with DecodeFile (limits, EXIF orientation) and hashes it.
// Errors name the file.
func HashFile(path string, lim Limits) (Set, error) {
	img, err := DecodeFile(path, lim)
	if err != nil {
		return Set{}, err
	}
	s, err := HashImage(img)
	if err != nil {
		return Set{}, fmt.Errorf("hash %s: %w", path, err)
	}
	return s, nil
}
