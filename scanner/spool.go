package scanner

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/redthread/redthread/corpus"
)

// spool keeps the listings of a linked scan on disk, in the order they
// were linked, so that the listings whose links change later can be
// scanned again at the end without holding every listing in memory. The
// file is temporary and removed by close; it holds listing texts, so it is
// created with mode 0600 in the temporary folder the scan was given.
type spool struct {
	f   *os.File
	w   *bufio.Writer
	buf []byte
	n   int
}

func newSpool(dir string) (*spool, error) {
	f, err := os.CreateTemp(dir, "redthread-scan-*.spool")
	if err != nil {
		return nil, fmt.Errorf("listing spool: %w", err)
	}
	return &spool{f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

// put appends a listing with its registry ordinal, the output position and
// level of its result.
func (s *spool) put(ord uint32, pos int, level string, l *corpus.Listing) error {
	b := s.buf[:0]
	b = binary.LittleEndian.AppendUint32(b, 0) // record length, set below
	b = binary.AppendUvarint(b, uint64(ord))
	b = binary.AppendUvarint(b, uint64(pos))
	b = appendString(b, level)
	for _, v := range [...]string{l.ID, l.Source, l.URL, l.Kind, l.Title, l.Body, l.HTML, l.Employer, l.EmployerInfo,
		l.Location, l.Country, l.Language, l.PostedAt, l.Pay} {
		b = appendString(b, v)
	}
	b = binary.AppendUvarint(b, uint64(len(l.Contacts)))
	for _, c := range l.Contacts {
		b = appendString(b, c)
	}
	b = binary.AppendUvarint(b, uint64(len(l.Images)))
	for _, im := range l.Images {
		b = appendString(appendString(appendString(b, im.URL), im.Path), im.PHash)
	}
	b = binary.AppendUvarint(b, uint64(len(l.Fields)))
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range l.Fields {
			if !yield(k) {
				return
			}
		}
	}) {
		b = appendString(appendString(b, k), string(l.Fields[k]))
	}
	binary.LittleEndian.PutUint32(b, uint32(len(b)-4))
	s.buf = b
	s.n++
	if _, err := s.w.Write(b); err != nil {
		return fmt.Errorf("listing spool: %w", err)
	}
	return nil
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// spooled is one listing read back.
type spooled struct {
	ord   uint32
	pos   int
	level string
	l     *corpus.Listing
}

// each reads the spool from the start and calls fn with the listings whose
// ordinals are in want (ascending); the others are skipped unread.
func (s *spool) each(want []uint32, fn func(spooled) error) error {
	if err := s.w.Flush(); err != nil {
		return fmt.Errorf("listing spool: %w", err)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("listing spool: %w", err)
	}
	r := bufio.NewReaderSize(s.f, 1<<20)
	var hdr [4]byte
	var rec []byte
	for len(want) > 0 {
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return nil // listings that were never spooled (not scanned)
			}
			return fmt.Errorf("listing spool: %w", err)
		}
		n := int(binary.LittleEndian.Uint32(hdr[:]))
		head, err := r.Peek(min(n, 2*binary.MaxVarintLen64))
		if err != nil {
			return fmt.Errorf("listing spool: %w", err)
		}
		ord, k := binary.Uvarint(head)
		if k <= 0 {
			return errors.New("listing spool: corrupt record")
		}
		for len(want) > 0 && want[0] < uint32(ord) {
			want = want[1:] // not spooled: its scan failed
		}
		if len(want) == 0 || want[0] != uint32(ord) {
			if _, err := r.Discard(n); err != nil {
				return fmt.Errorf("listing spool: %w", err)
			}
			continue
		}
		want = want[1:]
		rec = slices.Grow(rec[:0], n)[:n]
		if _, err := io.ReadFull(r, rec); err != nil {
			return fmt.Errorf("listing spool: %w", err)
		}
		sp, err := decodeSpooled(rec)
		if err != nil {
			return err
		}
		if err := fn(sp); err != nil {
			return err
		}
	}
	return nil
}

func decodeSpooled(b []byte) (spooled, error) {
	d := decoder{b: b}
	sp := spooled{ord: uint32(d.uvarint()), pos: int(d.uvarint()), l: &corpus.Listing{}}
	sp.level = d.str()
	l := sp.l
	for _, p := range [...]*string{&l.ID, &l.Source, &l.URL, &l.Kind, &l.Title, &l.Body, &l.HTML, &l.Employer, &l.EmployerInfo,
		&l.Location, &l.Country, &l.Language, &l.PostedAt, &l.Pay} {
		*p = d.str()
	}
	if n := d.count(); n > 0 {
		l.Contacts = make([]string, n)
		for i := range l.Contacts {
			l.Contacts[i] = d.str()
		}
	}
	if n := d.count(); n > 0 {
		l.Images = make([]corpus.Image, n)
		for i := range l.Images {
			l.Images[i] = corpus.Image{URL: d.str(), Path: d.str(), PHash: d.str()}
		}
	}
	if n := d.count(); n > 0 {
		l.Fields = make(map[string]json.RawMessage, n)
		for range n {
			k := d.str()
			l.Fields[k] = json.RawMessage(d.str())
		}
	}
	if d.err != nil || len(d.b) != 0 {
		return spooled{}, errors.New("listing spool: corrupt record")
	}
	return sp, nil
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) uvarint() uint64 {
	v, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.err = errors.New("bad varint")
		d.b = nil
		return 0
	}
	d.b = d.b[k:]
	return v
}

func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.err = errors.New("bad count")
		d.b = nil
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.count()
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// close removes the spool.
func (s *spool) close() error {
	err := s.f.Close()
	if rerr := os.Remove(s.f.Name()); err == nil {
		err = rerr
	}
	return err
}
