package photohash

import (
	"encoding/binary"
	"fmt"
	"image"
	"sync"

	"github.com/corona10/goimagehash"
)

// region is a sub-window of the photo, in fractions of its width and height.
type region struct {
	name       string
	x0, y0, sz float64 // left, top, side (same fraction of width and of height)
}

// regions are the crop windows hashed besides the whole photo: windows of 95% of each side at
// the 9 positions of a 3×3 grid (corners, edge midpoints, centre). A cropped repost is close to
// one of the original's windows, so comparing one photo's whole-photo hash with the other's
// windows recovers small crops that defeat global hashes. Names are the window side in
// percent, then the anchor: "95tl", "95t", ..., "95br". (rt-photo-1 also had 90% windows: they
// doubled the stored windows for 10% crops, outside the targets.)
var regions = func() []region {
	var rs []region
	anchors := []struct {
		name   string
		ax, ay float64
	}{{"tl", 0, 0}, {"t", 0.5, 0}, {"tr", 1, 0}, {"l", 0, 0.5}, {"c", 0.5, 0.5}, {"r", 1, 0.5},
		{"bl", 0, 1}, {"b", 0.5, 1}, {"br", 1, 1}}
	for _, sz := range []float64{0.95} {
		for _, a := range anchors {
			rs = append(rs, region{fmt.Sprintf("%.0f%s", sz*100, a.name), a.ax * (1 - sz), a.ay * (1 - sz), sz})
		}
	}
	return rs
}()

// Set is everything computed for one photo: the whole-photo PDQ hash, the 64-bit pHash, the
// masked PDQ hashes (masks) and the PDQ hashes of the crop windows (regions). All carry
// Pipeline.
type Set struct {
	Hashes []Hash
	// orient derives the rotations and mirrors of the global PDQ from its coefficients, once,
	// on first use; nil for a Set rebuilt from stored hashes.
	orient *orientations
}

// orientations computes the 8 dihedral hashes of a photo lazily: most photos are linked (or
// not) before anyone asks for them.
type orientations struct {
	once   sync.Once
	global Hash
	coeffs pdqCoeffs
	hashes []Hash
}

func (o *orientations) get() []Hash {
	o.once.Do(func() {
		v := PDQResult{Hash: o.global, coeffs: o.coeffs}.Dihedral()
		o.hashes = v[:]
	})
	return o.hashes
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
	if s.orient == nil {
		return nil
	}
	return s.orient.get()
}

// mask is a part of the photo left out of a masked hash: cells [x0,x1)×[y0,y1) of the 64×64
// grid are replaced by the mean of the others before the DCT, so whatever covers that part
// (a banner, a logo, a sticker) does not move the hash. Masked hashes are compared only with
// the hash of the same mask.
type mask struct {
	name           string
	x0, y0, x1, y1 int
}

// masks: a band of 8 cells (12.5%) along each edge, for banners and strips; 18×18 cells (28%)
// in each corner, for logos and site marks; 24×24 cells (37.5%) in the centre, for stickers.
var masks = []mask{
	{"t", 0, 0, 64, 8}, {"b", 0, 56, 64, 64}, {"l", 0, 0, 8, 64}, {"r", 56, 0, 64, 64},
	{"tl", 0, 0, 18, 18}, {"tr", 46, 0, 64, 18}, {"bl", 0, 46, 18, 64}, {"br", 46, 46, 64, 64},
	{"c", 18, 18, 46, 46},
	{"h1", 0, 12, 64, 32}, {"h2", 0, 22, 64, 42}, {"h3", 0, 32, 64, 52},
}

// applyMask returns a copy of cells with m's cells replaced by the mean of the rest.
func applyMask(cells []float32, m mask) []float32 {
	out := make([]float32, len(cells))
	var sum float64
	n := 0
	for y := range pdqDim {
		for x := range pdqDim {
			if x >= m.x0 && x < m.x1 && y >= m.y0 && y < m.y1 {
				continue
			}
			sum += float64(cells[y*pdqDim+x])
			n++
		}
	}
	mean := float32(sum / float64(max(1, n)))
	for y := range pdqDim {
		for x := range pdqDim {
			v := cells[y*pdqDim+x]
			if x >= m.x0 && x < m.x1 && y >= m.y0 && y < m.y1 {
				v = mean
			}
			out[y*pdqDim+x] = v
		}
	}
	return out
}

// pdqHash is PDQ's DCT, quality and median step on a 64×64 grid (which cells is destroyed).
func pdqHash(cells []float32, algo, region string) (Hash, pdqCoeffs, error) {
	c, q, err := pdqFromLuma(cells, pdqDim, pdqDim)
	if err != nil {
		return Hash{}, c, err
	}
	b := c.bits()
	return Hash{Algo: algo, Pipeline: Pipeline, Bits: b[:], Quality: q, Region: region}, c, nil
}

// HashImage reduces img once (see reduce) and computes its Set from that one luma image: the
// whole-photo PDQ, the masked PDQs, the crop-window PDQs and the pHash.
// Images under 5 pixels on a side are refused.
func HashImage(img image.Image) (Set, error) {
	return hashReduced(reduce(img))
}

func hashReduced(l lumaImage) (Set, error) {
	if l.w < pdqMinDim || l.h < pdqMinDim {
		return Set{}, fmt.Errorf("photohash: %w", errTooSmall)
	}
	s := Set{Hashes: make([]Hash, 0, 2+len(masks)+len(regions))}
	whole := l.cells64(0, 0, 1, 1)
	global, c, err := pdqHash(append([]float32(nil), whole...), AlgoPDQ, "")
	if err != nil {
		return Set{}, fmt.Errorf("photohash: %w", err)
	}
	s.orient = &orientations{global: global, coeffs: c}
	ph, err := goimagehash.PerceptionHash(grayOf(whole))
	if err != nil {
		return Set{}, fmt.Errorf("photohash: phash: %w", err)
	}
	pb := binary.BigEndian.AppendUint64(nil, ph.GetHash())
	s.Hashes = append(s.Hashes, global, Hash{Algo: AlgoPHash, Pipeline: Pipeline, Bits: pb, Quality: 100})
	for _, m := range masks {
		h, _, err := pdqHash(applyMask(whole, m), AlgoPDQMask, m.name)
		if err != nil {
			return Set{}, fmt.Errorf("photohash: mask %s: %w", m.name, err)
		}
		s.Hashes = append(s.Hashes, h)
	}
	for _, r := range regions {
		h, _, err := pdqHash(l.cells64(r.x0, r.y0, r.sz, r.sz), AlgoPDQRegion, r.name)
		if err != nil {
			return Set{}, fmt.Errorf("photohash: region %s: %w", r.name, err)
		}
		s.Hashes = append(s.Hashes, h)
	}
	return s, nil
}

// grayOf rounds a 64×64 luma grid to an 8-bit image (for goimagehash's pHash).
func grayOf(cells []float32) *image.Gray {
	g := image.NewGray(image.Rect(0, 0, pdqDim, pdqDim))
	for i, v := range cells {
		g.Pix[i] = uint8(min(255, max(0, v+0.5)))
	}
	return g
}

// HashFile reads the named file within lim and hashes it like HashBytes. Errors name the file.
func HashFile(path string, lim Limits) (Set, error) {
	data, err := readFile(path, lim)
	if err != nil {
		return Set{}, err
	}
	s, err := HashBytes(data, lim)
	if err != nil {
		return Set{}, fmt.Errorf("hash %s: %w", path, err)
	}
	return s, nil
}

// HashBytes decodes an encoded image with the limits of lim (see Decode) straight to the
// reduced luma image (JPEGs by DCT scaling, see decodeReduced) and hashes it.
func HashBytes(data []byte, lim Limits) (Set, error) {
	l, err := decodeReduced(data, lim)
	if err != nil {
		return Set{}, err
	}
	return hashReduced(l)
}
