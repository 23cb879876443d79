package photohash

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

//go:embed thresholds.tsv
var defaultThresholdsTSV string

// Thresholds is the decision rule of Match. The defaults come from thresholds.tsv, chosen from the
// robustness measurement in README.md; LoadThresholds reads a user's own file.
type Thresholds struct {
	PDQGlobal   int // largest Hamming distance (of 256) between whole-photo PDQ hashes as they are
	PDQDihedral int // the same with one photo rotated or mirrored (the 7 other orientations)
	PDQRegion   int // largest distance between a region hash and a region or whole-photo hash (crops)
	PDQMask     int // largest distance between two masked hashes with the same mask (overlays)
	MinQuality  int // PDQ hashes below this quality are ignored (featureless images)
}

// embeddedThresholds is thresholds.tsv parsed once.
var embeddedThresholds, embeddedErr = parseThresholds(strings.NewReader(defaultThresholdsTSV), Thresholds{})

// DefaultThresholds returns the thresholds of the embedded thresholds.tsv.
func DefaultThresholds() Thresholds {
	if embeddedErr != nil {
		panic("photohash: embedded thresholds.tsv: " + embeddedErr.Error()) // a build defect, not input
	}
	return embeddedThresholds
}

// LoadThresholds reads "name<TAB>value[<TAB>note]" lines (# comments and a "name" header allowed)
// with names pdq_global, pdq_dihedral, pdq_region, pdq_mask and min_quality. Names not given keep the embedded default.
func LoadThresholds(r io.Reader) (Thresholds, error) {
	return parseThresholds(r, embeddedThresholds)
}

// LoadThresholdsFile is LoadThresholds on the named file.
func LoadThresholdsFile(path string) (Thresholds, error) {
	f, err := os.Open(path)
	if err != nil {
		return Thresholds{}, err
	}
	defer f.Close()
	th, err := LoadThresholds(f)
	if err != nil {
		return Thresholds{}, fmt.Errorf("%s: %w", path, err)
	}
	return th, nil
}

func parseThresholds(r io.Reader, th Thresholds) (Thresholds, error) {
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		f := strings.Split(t, "\t")
		if len(f) < 2 {
			return th, fmt.Errorf("thresholds line %d: want name<TAB>value", line)
		}
		if strings.TrimSpace(f[0]) == "name" {
			continue // header
		}
		v, err := strconv.Atoi(strings.TrimSpace(f[1]))
		if err != nil || v < 0 || v > 256 {
			return th, fmt.Errorf("thresholds line %d: value %.20q: want an integer 0..256", line, f[1])
		}
		switch strings.TrimSpace(f[0]) {
		case "pdq_global":
			th.PDQGlobal = v
		case "pdq_region":
			th.PDQRegion = v
		case "pdq_dihedral":
			th.PDQDihedral = v
		case "pdq_mask":
			th.PDQMask = v
		case "min_quality":
			th.MinQuality = v
		default:
			return th, fmt.Errorf("thresholds line %d: unknown name %.40q", line, f[0])
		}
	}
	if err := sc.Err(); err != nil {
		return th, fmt.Errorf("thresholds line %d: %w", line, err)
	}
	return th, nil
}

// MatchDistances are the distances Match decides on.
type MatchDistances struct {
	Global   int // whole-photo PDQ distance as the photos are (256 if unavailable)
	Dihedral int // smallest whole-photo PDQ distance over the 7 other rotations and mirrors (256 if unavailable)
	Region   int // smallest distance between one Set's whole-photo PDQ and the other's region hashes (256 if none)
	Mask     int // smallest distance between masked hashes with the same mask (256 if none)
}

// Distances computes the distances between two Sets that Match thresholds. If either photo's
// whole-photo quality is below minQuality, nothing is compared (all 256). Orientations are tried when either Set has its coefficients (a Set
// computed here rather than rebuilt from storage).
func Distances(a, b Set, minQuality int) MatchDistances {
	d := MatchDistances{Global: 256, Dihedral: 256, Region: 256, Mask: 256}
	ga, okA := a.Global(AlgoPDQ)
	gb, okB := b.Global(AlgoPDQ)
	if !okA || !okB || ga.Quality < minQuality || gb.Quality < minQuality {
		return d // a featureless photo is compared with nothing
	}
	{
		var variants []Hash
		other := ga
		if v := b.Dihedral(); v != nil {
			variants = v
		} else if v := a.Dihedral(); v != nil {
			variants, other = v, gb
		} else {
			variants = []Hash{gb}
		}
		for k, v := range variants {
			x, err := Distance(other, v)
			switch {
			case err != nil:
			case k == 0:
				d.Global = x
			case x < d.Dihedral:
				d.Dihedral = x
			}
		}
	}
	for _, x := range a.Hashes {
		if x.Algo != AlgoPDQMask || x.Quality < minQuality {
			continue
		}
		for _, y := range b.Hashes {
			if y.Algo == AlgoPDQMask && y.Region == x.Region && y.Quality >= minQuality {
				if dist, err := Distance(x, y); err == nil && dist < d.Mask {
					d.Mask = dist
				}
			}
		}
	}
	for _, x := range a.Hashes {
		if (x.Algo != AlgoPDQ && x.Algo != AlgoPDQRegion) || x.Quality < minQuality {
			continue
		}
		for _, y := range b.Hashes {
			if y.Algo != AlgoPDQ && y.Algo != AlgoPDQRegion {
				continue
			}
			// One whole-photo hash against the other's windows: a crop of a photo looks like
			// one of its windows. Window against window would multiply the comparisons (and
			// the false matches) without adding recall for small crops.
			if family(y.Algo) != AlgoPDQ || y.Quality < minQuality || (x.Region == "") == (y.Region == "") {
				continue
			}
			if dist, err := Distance(x, y); err == nil && dist < d.Region {
				d.Region = dist
			}
		}
	}
	return d
}

// Match reports whether two Sets show the same photo: whole-photo PDQ within th.PDQGlobal as
// they are or within th.PDQDihedral with one rotated or mirrored, one photo's whole-photo PDQ
// within th.PDQRegion of one of the other's crop windows, or two masked hashes of the same mask
// within th.PDQMask (a banner, logo, sticker or text over the photo). Photos whose whole-photo
// quality is below th.MinQuality match nothing. dist is the distance that decided (the
// whole-photo distance when nothing matched).
func Match(a, b Set, th Thresholds) (dist int, ok bool) {
	d := Distances(a, b, th.MinQuality)
	if d.Global <= th.PDQGlobal {
		return d.Global, true
	}
	if d.Dihedral <= th.PDQDihedral {
		return d.Dihedral, true
	}
	if d.Region <= th.PDQRegion {
		return d.Region, true
	}
	if d.Mask <= th.PDQMask {
		return d.Mask, true
	}
	return d.Global, false
}
