package links

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/redthread/redthread/photohash"
)

// HashList is a set of known photo hashes from lists a platform supplies
// (CSV rows: hash, algorithm, list name, label). Rows labelled "negative"
// name photos that must never raise a match or link listings (stock photos,
// logos).
type HashList struct {
	rows  []hashRow
	pdq   *photohash.Index
	phash *photohash.Index
}

type hashRow struct {
	hash        photohash.Hash
	list, label string
}

// ListMatch is a photo's match in a hash list.
type ListMatch struct {
	List, Label, Hash string
	Distance          int
	Negative          bool
}

// NewHashList returns an empty list.
func NewHashList() *HashList {
	pdq, _ := photohash.NewIndex(photohash.AlgoPDQ)
	ph, _ := photohash.NewIndex(photohash.AlgoPHash)
	return &HashList{pdq: pdq, phash: ph}
}

// Len is the number of hashes in the list.
func (h *HashList) Len() int { return len(h.rows) }

// maxHashListRows bounds one list (a larger list should be split).
const maxHashListRows = 50_000_000

// Load adds the rows of a CSV hash list: hash (hex), algorithm (pdq or
// phash), list name, label. A first row starting with "hash" is a header;
// lines starting with # are comments. name is used in errors.
func (h *HashList) Load(r io.Reader, name string) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	for first := true; ; first = false {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("hash list %s: %w", name, err) // csv errors name the line
		}
		line, _ := cr.FieldPos(0)
		if first && strings.EqualFold(strings.TrimSpace(rec[0]), "hash") {
			continue
		}
		if len(rec) < 3 {
			return fmt.Errorf("hash list %s line %d: want hash,algorithm,list[,label]", name, line)
		}
		algo := strings.ToLower(strings.TrimSpace(rec[1]))
		if algo != photohash.AlgoPDQ && algo != photohash.AlgoPHash {
			return fmt.Errorf("hash list %s line %d: algorithm %.20q: want pdq or phash", name, line, rec[1])
		}
		hash, err := photohash.ParseHex(algo, strings.ToLower(strings.TrimSpace(rec[0])))
		if err != nil {
			return fmt.Errorf("hash list %s line %d: %w", name, line, err)
		}
		row := hashRow{hash: hash, list: strings.TrimSpace(rec[2])}
		if len(rec) > 3 {
			row.label = strings.TrimSpace(rec[3])
		}
		if row.list == "" {
			return fmt.Errorf("hash list %s line %d: empty list name", name, line)
		}
		if len(h.rows) >= maxHashListRows {
			return fmt.Errorf("hash list %s line %d: more than %d hashes", name, line, maxHashListRows)
		}
		id := uint32(len(h.rows))
		h.rows = append(h.rows, row)
		ix := h.pdq
		if algo == photohash.AlgoPHash {
			ix = h.phash
		}
		if err := ix.Add(id, hash); err != nil {
			return fmt.Errorf("hash list %s line %d: %w", name, line, err)
		}
	}
}

// LoadFile adds the rows of the named CSV file.
func (h *HashList) LoadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("load hash list: %w", err)
	}
	defer f.Close()
	return h.Load(f, path)
}

// Negative reports whether the row's label marks stock photos or logos.
func (r hashRow) negative() bool { return strings.EqualFold(r.label, "negative") }

// match returns the list rows a photo matches: PDQ by photohash's rule
// (orientations and crops) within th, pHash within phashDist. Sorted by
// distance, then row order.
func (h *HashList) match(set photohash.Set, th photohash.Thresholds, phashDist int) ([]ListMatch, error) {
	if h == nil || len(h.rows) == 0 {
		return nil, nil
	}
	var out []ListMatch
	add := func(id uint32, d int) {
		r := h.rows[id]
		out = append(out, ListMatch{List: r.list, Label: r.label, Hash: r.hash.Algo + ":" + r.hash.Hex(), Distance: d, Negative: r.negative()})
	}
	if _, ok := set.Global(photohash.AlgoPDQ); ok && h.pdq.Len() > 0 {
		ms, err := h.pdq.SearchSet(set, th)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			add(m.ID, m.Distance)
		}
	}
	if ph, ok := set.Global(photohash.AlgoPHash); ok && h.phash.Len() > 0 {
		rs, err := h.phash.Search(ph, phashDist)
		if err != nil && !errors.Is(err, photohash.ErrIncomparable) {
			return nil, err
		}
		for _, r := range rs {
			add(r.ID, r.Distance)
		}
	}
	return out, nil
}
