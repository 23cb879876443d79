package links

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"
)

//go:embed params.yaml
var defaultParamsYAML []byte

// Params are the tunable parameters of the registry (params.yaml documents
// each and where its value comes from).
type Params struct {
	GenericLimit  int                 `yaml:"generic_limit"`
	Generic       GenericParams       `yaml:"generic"`
	Template      TemplateParams      `yaml:"template"`
	Family        FamilyParams        `yaml:"family"`
	Photo         PhotoParams         `yaml:"photo"`
	Inconsistency InconsistencyParams `yaml:"inconsistency"`
}

// GenericParams tell a generic key (one that joins listings with nothing
// else in common: a switchboard number) from a large one (one advertiser's
// many listings), for keys shared by more than GenericLimit listings.
type GenericParams struct {
	Sample        int     `yaml:"sample"`
	CoherentShare float64 `yaml:"coherent_share"`
}

// FamilyParams tune the template families that Grouper aligns.
type FamilyParams struct {
	KeepShare  float64 `yaml:"keep_share"`
	SlotValues int     `yaml:"slot_values"`
	MaxWords   int     `yaml:"max_words"`
}

// TemplateParams tune template detection: MinHash over word shingles with
// banded locality-sensitive hashing.
type TemplateParams struct {
	ShingleWords int     `yaml:"shingle_words"`
	MinShingles  int     `yaml:"min_shingles"`
	Bands        int     `yaml:"bands"`
	Rows         int     `yaml:"rows"`
	MinJaccard   float64 `yaml:"min_jaccard"`
	BucketLimit  int     `yaml:"bucket_limit"`
	BucketSample int     `yaml:"bucket_sample"`
	// BucketCoherent is the share of the sample's pairs that must be
	// similar for a big band bucket to be one family's.
	BucketCoherent float64 `yaml:"bucket_coherent"`
}

// PhotoParams tune photo matching beyond photohash.Thresholds.
type PhotoParams struct {
	PHashDistance  int `yaml:"phash_distance"`
	SearchGlobal   int `yaml:"search_global"`   // caps photohash.Thresholds.PDQGlobal
	SearchDihedral int `yaml:"search_dihedral"` // caps photohash.Thresholds.PDQDihedral
	SearchRegion   int `yaml:"search_region"`   // caps photohash.Thresholds.PDQRegion
	SearchMask     int `yaml:"search_mask"`     // caps photohash.Thresholds.PDQMask
}

// InconsistencyParams tune network.inconsistent_info.
type InconsistencyParams struct {
	MinAgeGap         int      `yaml:"min_age_gap"`
	NationalityIgnore []string `yaml:"nationality_ignore"`
}

// DefaultParams returns the parameters of the embedded params.yaml.
func DefaultParams() Params {
	p, err := parseParams(bytes.NewReader(defaultParamsYAML), Params{})
	if err != nil {
		panic("links: embedded params.yaml: " + err.Error()) // a build defect, not input
	}
	return p
}

// LoadParams reads parameters in the format of params.yaml; keys not given
// keep the embedded defaults.
func LoadParams(r io.Reader) (Params, error) {
	return parseParams(r, DefaultParams())
}

// LoadParamsFile is LoadParams on the named file.
func LoadParamsFile(path string) (Params, error) {
	f, err := os.Open(path)
	if err != nil {
		return Params{}, fmt.Errorf("load link parameters: %w", err)
	}
	defer f.Close()
	p, err := LoadParams(f)
	if err != nil {
		return Params{}, fmt.Errorf("load link parameters %s: %w", path, err)
	}
	return p, nil
}

func parseParams(r io.Reader, p Params) (Params, error) {
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&p); err != nil && err != io.EOF {
		return Params{}, err
	}
	return p, p.check()
}

// maxMinHashes bounds bands*rows (the signature length).
const maxMinHashes = 512

func (p Params) check() error {
	t := p.Template
	switch {
	case p.GenericLimit < 2:
		return fmt.Errorf("generic_limit %d: want at least 2", p.GenericLimit)
	case t.ShingleWords < 1 || t.ShingleWords > 16:
		return fmt.Errorf("template.shingle_words %d: want 1..16", t.ShingleWords)
	case t.Bands < 1 || t.Rows < 1 || t.Bands*t.Rows > maxMinHashes:
		return fmt.Errorf("template.bands*rows %d*%d: want 1..%d", t.Bands, t.Rows, maxMinHashes)
	case t.MinJaccard <= 0 || t.MinJaccard > 1:
		return fmt.Errorf("template.min_jaccard %g: want (0,1]", t.MinJaccard)
	case p.Generic.Sample < 2 || p.Generic.CoherentShare <= 0 || p.Generic.CoherentShare > 1:
		return fmt.Errorf("generic.sample %d / coherent_share %g: want at least 2 / (0,1]", p.Generic.Sample, p.Generic.CoherentShare)
	case t.BucketLimit < 2 || t.BucketSample < 2 || t.BucketSample > t.BucketLimit || t.BucketCoherent <= 0 || t.BucketCoherent > 1:
		return fmt.Errorf("template.bucket_limit %d / bucket_sample %d / bucket_coherent %g: want 2 <= sample <= limit, coherent in (0,1]", t.BucketLimit, t.BucketSample, t.BucketCoherent)
	case p.Family.KeepShare <= 0.5 || p.Family.KeepShare > 1 || p.Family.SlotValues < 1 || p.Family.MaxWords < 10 || p.Family.MaxWords > 65535:
		return fmt.Errorf("family.keep_share %g / slot_values %d / max_words %d: want (0.5,1] / >= 1 / 10..65535", p.Family.KeepShare, p.Family.SlotValues, p.Family.MaxWords)
	case t.MinShingles < 1:
		return fmt.Errorf("template.min_shingles %d: want at least 1", t.MinShingles)
	case p.Photo.PHashDistance < 0 || p.Photo.PHashDistance > 64:
		return fmt.Errorf("photo.phash_distance %d: want 0..64", p.Photo.PHashDistance)
	case p.Photo.SearchGlobal < 0 || p.Photo.SearchGlobal > 256 || p.Photo.SearchRegion < 0 || p.Photo.SearchRegion > 256 ||
		p.Photo.SearchMask < 0 || p.Photo.SearchMask > 256 || p.Photo.SearchDihedral < 0 || p.Photo.SearchDihedral > 256:
		return fmt.Errorf("photo.search_global/search_dihedral/search_region/search_mask %d/%d/%d/%d: want 0..256",
			p.Photo.SearchGlobal, p.Photo.SearchDihedral, p.Photo.SearchRegion, p.Photo.SearchMask)
	case p.Inconsistency.MinAgeGap < 1:
		return fmt.Errorf("inconsistency.min_age_gap %d: want at least 1", p.Inconsistency.MinAgeGap)
	}
	return nil
}
