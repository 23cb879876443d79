// Package photohash decodes untrusted images safely and computes perceptual hashes (Meta's PDQ,
// implemented here, and the 64-bit pHash of github.com/corona10/goimagehash) so that the same photo
// reused across ads can be found even after resizing, re-encoding, brightness changes,
// watermarks, mirroring/rotation and small crops. Index finds near hashes sub-linearly by
// multi-index hashing.
//
// Every Hash carries its algorithm and pipeline version, so stored hashes are never compared
// across incompatible pipelines.
package photohash

import (
	"encoding/hex"
	"errors"
	"fmt"
)

// Algorithm names stored in Hash.Algo.
const (
	AlgoPDQ       = "pdq"        // 256-bit PDQ of the whole photo
	AlgoPDQRegion = "pdq-region" // 256-bit PDQ of a sub-window of the photo (see Hash.Region)
	AlgoPDQMask   = "pdq-mask"   // 256-bit PDQ of the whole photo with one part masked out (see Hash.Region)
	AlgoPHash     = "phash"      // 64-bit DCT pHash (goimagehash.PerceptionHash)
)

// Pipeline is the version of the decode → shrink → hash pipeline whose hashes this package
// produces. It changes whenever a change would move hashes of the same file.
const Pipeline = "rt-photo-2"

// Hash is one perceptual hash with the metadata needed to compare it safely.
type Hash struct {
	Algo     string // AlgoPDQ, AlgoPDQRegion or AlgoPHash
	Pipeline string // pipeline version, e.g. "rt-photo-2"; "" when parsed from bare hex
	Bits     []byte // 32 bytes for PDQ, 8 for pHash; big-endian as printed by Hex
	Quality  int    // PDQ quality 0..100 (below 50 the hash is unreliable); 100 for pHash
	Region   string // "" for the whole photo, else the sub-window name (see regions)
}

// Hex returns the hash bits as lower-case hex (64 characters for PDQ, 16 for pHash), in the same
// form as Meta's reference PDQ tools.
func (h Hash) Hex() string { return hex.EncodeToString(h.Bits) }

// String returns "algo[/region]:hex".
func (h Hash) String() string {
	if h.Region != "" {
		return h.Algo + "/" + h.Region + ":" + h.Hex()
	}
	return h.Algo + ":" + h.Hex()
}

// hashBytes is the size in bytes of each algorithm's hash.
func hashBytes(algo string) (int, error) {
	switch algo {
	case AlgoPDQ, AlgoPDQRegion, AlgoPDQMask:
		return 32, nil
	case AlgoPHash:
		return 8, nil
	}
	return 0, fmt.Errorf("photohash: unknown algorithm %q", algo)
}

// ParseHex parses a hex hash of the given algorithm (as printed by Hex or by Meta's PDQ tools).
// Pipeline and Region are left empty and Quality is 0; set them if known.
func ParseHex(algo, s string) (Hash, error) {
	n, err := hashBytes(algo)
	if err != nil {
		return Hash{}, err
	}
	if len(s) != 2*n {
		return Hash{}, fmt.Errorf("photohash: parse %s hash %.80q: want %d hex digits, have %d", algo, s, 2*n, len(s))
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return Hash{}, fmt.Errorf("photohash: parse %s hash %.80q: %w", algo, s, err)
	}
	return Hash{Algo: algo, Bits: b}, nil
}

// ErrIncomparable is returned by Distance for hashes of different kinds or pipelines.
var ErrIncomparable = errors.New("photohash: hashes are not comparable")

// family groups algorithms whose hashes can be compared bit for bit (a region PDQ against a
// global PDQ is meaningful: a cropped repost is a sub-window of the original).
func family(algo string) string {
	if algo == AlgoPDQRegion || algo == AlgoPDQMask {
		return AlgoPDQ
	}
	return algo
}

// Distance returns the Hamming distance between two hashes of the same algorithm family. Hashes
// from different pipelines are refused unless either pipeline is unknown ("").
func Distance(a, b Hash) (int, error) {
	if family(a.Algo) != family(b.Algo) || len(a.Bits) != len(b.Bits) {
		return 0, fmt.Errorf("%w: %s vs %s", ErrIncomparable, a.Algo, b.Algo)
	}
	if a.Pipeline != "" && b.Pipeline != "" && a.Pipeline != b.Pipeline {
		return 0, fmt.Errorf("%w: pipeline %s vs %s", ErrIncomparable, a.Pipeline, b.Pipeline)
	}
	return hamming(a.Bits, b.Bits), nil
}
