package links

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/redthread/redthread/corpus"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Entry is what the registry keeps of one listing, in memory and in a
// Store: never the text or the photos, only keys to link by and the few
// attributes network.inconsistent_info compares.
type Entry struct {
	ID string `json:"id"`
	// Kind is the listing's kind (job, escort, other), to tell links
	// across kinds (a job ad sharing a phone with an escort ad).
	Kind string `json:"k,omitempty"`
	// Contacts are 64-bit FNV-1a hashes of the normalized contact keys
	// ("phone:+4477...", "email:...", "handle:telegram:..."): the registry
	// finds equal contacts without storing them in clear. (A pseudonym, not
	// anonymity: a known number can be hashed and looked up.)
	Contacts []uint64 `json:"c,omitempty"`
	// Attrs are what network.inconsistent_info compares; nil when the
	// listing states none (most entries: the registry keeps a million of
	// them, so what most lack costs one pointer).
	*Attrs
	// Signature is the MinHash signature of the body over ShingleWords-word
	// shingles; nil when the body is too short to compare.
	Signature    MinHash      `json:"sig,omitempty"`
	ShingleWords int          `json:"sw,omitempty"`
	Photos       []PhotoEntry `json:"p,omitempty"`
	// Context is what a generic contact's listings are compared on: hashes
	// of the listing's kind (8 bits) and language (24 bits) in the high
	// half, of its site (source, else URL host) in the low half (see
	// contextOf). 0: unknown (entries of earlier versions).
	Context uint64 `json:"x,omitempty"`
}

// Attrs are the attributes of a listing that linked listings are compared
// on. Their JSON fields are the entry's own (Attrs is embedded).
type Attrs struct {
	Names       []string `json:"n,omitempty"`
	Ages        []int    `json:"a,omitempty"`
	Location    string   `json:"loc,omitempty"`
	Nationality []string `json:"nat,omitempty"`

	// keys derived once for comparisons (see derive)
	nameKeys, locWords, natStems []string
}

// noAttrs stands for the attributes of an entry that has none.
var noAttrs = &Attrs{}

// attrs returns the entry's attributes (never nil).
func (e *Entry) attrs() *Attrs {
	if e.Attrs == nil {
		return noAttrs
	}
	return e.Attrs
}

// derive computes the comparison keys of an entry, and drops empty
// attributes.
func (e *Entry) derive() {
	a := e.Attrs
	if a == nil {
		return
	}
	if len(a.Names)+len(a.Ages)+len(a.Nationality) == 0 && a.Location == "" {
		e.Attrs = nil
		return
	}
	a.nameKeys = a.nameKeys[:0]
	for _, n := range a.Names {
		a.nameKeys = append(a.nameKeys, fold(n))
	}
	a.locWords = strings.Fields(a.Location)
	a.natStems = a.natStems[:0]
	for _, w := range a.Nationality {
		if utf8.RuneCountInString(w) > 4 {
			w = string([]rune(w)[:4])
		}
		a.natStems = append(a.natStems, w)
	}
}

// MinHash is a MinHash signature. It is stored as base64 of its values in
// little-endian order (4 bytes each).
type MinHash []uint32

// MarshalJSON encodes the signature as a base64 string.
func (m MinHash) MarshalJSON() ([]byte, error) {
	b := make([]byte, 4*len(m))
	for i, v := range m {
		binary.LittleEndian.PutUint32(b[4*i:], v)
	}
	return json.Marshal(b)
}

// UnmarshalJSON decodes a signature written by MarshalJSON.
func (m *MinHash) UnmarshalJSON(data []byte) error {
	var b []byte
	if err := json.Unmarshal(data, &b); err != nil {
		return err
	}
	if len(b)%4 != 0 {
		return errors.New("minhash signature: length not a multiple of 4")
	}
	out := make(MinHash, len(b)/4)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	*m = out
	return nil
}

// PhotoEntry is one photo's hashes.
type PhotoEntry struct {
	Ref      string   `json:"ref,omitempty"` // images[].url or .path
	Pipeline string   `json:"pl,omitempty"`  // photohash pipeline; "" for hashes given by the source
	Hashes   []string `json:"h"`             // "algo[/region]:hex", as photohash.Hash.String
}

// Store keeps registry entries between scans. Load replays every stored
// entry in the order appended; Append adds entries; Close releases the
// store. Implementations need not be safe for concurrent use: the Registry
// serialises its calls.
type Store interface {
	Load(fn func(*Entry) error) error
	Append(entries []*Entry) error
	Close() error
}

// MemStore is a Store in memory (for tests and one-process use).
type MemStore struct {
	mu      sync.Mutex
	entries []*Entry
}

// Load calls fn for every entry.
func (m *MemStore) Load(fn func(*Entry) error) error {
	m.mu.Lock()
	es := append([]*Entry(nil), m.entries...)
	m.mu.Unlock()
	for _, e := range es {
		c := *e // the registry compacts what it loads; the store keeps its own
		if err := fn(&c); err != nil {
			return err
		}
	}
	return nil
}

// Append keeps the entries.
func (m *MemStore) Append(entries []*Entry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries = append(m.entries, entries...)
	return nil
}

// Close does nothing.
func (m *MemStore) Close() error { return nil }

// storeFile is the registry file inside a store directory, and storeHeader
// its first line.
const (
	storeFile   = "links.jsonl"
	storeHeader = `{"format":"redthread-links","version":1}`
)

// maxEntryBytes bounds one stored line.
const maxEntryBytes = 4 << 20

// FileStore is an append-only Store in a directory: DIR/links.jsonl holds a
// header line, then one JSON Entry per line. A line cut short by a crash is
// skipped on load (Skipped counts such lines).
type FileStore struct {
	path    string
	f       *os.File
	Skipped int // lines that could not be read by the last Load
}

// ErrInUse is wrapped by OpenDir's error when another process (or another
// open store) holds the registry.
var ErrInUse = errors.New("link registry is in use by another process (is another `redthread scan --links` running on this folder?)")

// OpenTimeout is how long OpenDir waits for another process to let go of
// the registry.
var OpenTimeout = 2 * time.Second

// OpenDir opens (creating if needed) the registry store in dir. Like the
// index, the store has one owner at a time: it is locked until Close, and
// OpenDir fails with ErrInUse after OpenTimeout when another holds it.
func OpenDir(dir string) (*FileStore, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("open link registry %s: %w", dir, err)
	}
	path := filepath.Join(dir, storeFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open link registry: %w", err)
	}
	for deadline := time.Now().Add(OpenTimeout); ; {
		busy, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("lock link registry %s: %w", path, err)
		}
		if !busy {
			break
		}
		if time.Now().After(deadline) {
			f.Close()
			return nil, fmt.Errorf("open link registry %s: %w", dir, ErrInUse)
		}
		time.Sleep(50 * time.Millisecond)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open link registry: %w", err)
	}
	switch last := make([]byte, 1); {
	case st.Size() == 0:
		if _, err := f.WriteString(storeHeader + "\n"); err != nil {
			f.Close()
			return nil, fmt.Errorf("open link registry %s: %w", path, err)
		}
	case func() bool { _, err := f.ReadAt(last, st.Size()-1); return err == nil && last[0] != '\n' }():
		// A write cut short by a crash: end that line so the next entry
		// starts on its own (the cut line is skipped on load).
		if _, err := f.WriteString("\n"); err != nil {
			f.Close()
			return nil, fmt.Errorf("open link registry %s: %w", path, err)
		}
	}
	return &FileStore{path: path, f: f}, nil
}

// Load reads every entry of the file.
func (s *FileStore) Load(fn func(*Entry) error) error {
	f, err := os.Open(s.path)
	if err != nil {
		return fmt.Errorf("load link registry: %w", err)
	}
	defer f.Close()
	n, err := readEntries(f, fn)
	s.Skipped = n
	if err != nil {
		return fmt.Errorf("load link registry %s: %w", s.path, err)
	}
	return nil
}

// errNotRegistry is returned for a file whose header is not a registry's.
var errNotRegistry = errors.New("not a redthread link registry (bad header)")

// readEntries reads a registry stream, returning how many bad lines it
// skipped.
func readEntries(r io.Reader, fn func(*Entry) error) (skipped int, err error) {
	br := bufio.NewReaderSize(r, 64<<10)
	line := 0
	for {
		b, tooLong, err := corpus.ReadLine(br, nil, maxEntryBytes)
		if tooLong {
			b = []byte{0} // skipped as a bad line
		}
		if len(b) > 0 {
			line++
			if line == 1 {
				if string(bytes.TrimSpace(b)) != storeHeader {
					return 0, errNotRegistry
				}
			} else {
				var e Entry
				if json.Unmarshal(b, &e) != nil || e.ID == "" || !e.valid() {
					skipped++
				} else if err := fn(&e); err != nil {
					return skipped, err
				}
			}
		}
		if err == io.EOF {
			return skipped, nil
		}
		if err != nil {
			return skipped, fmt.Errorf("line %d: %w", line+1, err)
		}
	}
}

// valid checks the parts of a decoded entry the registry relies on.
func (e *Entry) valid() bool {
	if len(e.Signature) > maxMinHashes || e.ShingleWords < 0 || e.ShingleWords > 16 {
		return false
	}
	for _, p := range e.Photos {
		if len(p.Hashes) > 64 {
			return false
		}
	}
	return true
}

// Append writes the entries at the end of the file, one write per call.
func (s *FileStore) Append(entries []*Entry) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, e := range entries {
		if err := enc.Encode(e); err != nil {
			return fmt.Errorf("save link registry entry %s: %w", e.ID, err)
		}
	}
	if _, err := s.f.Write(b.Bytes()); err != nil {
		return fmt.Errorf("save link registry %s: %w", s.path, err)
	}
	return nil
}

// Close syncs and closes the file.
func (s *FileStore) Close() error {
	if err := s.f.Sync(); err != nil {
		s.f.Close()
		return fmt.Errorf("close link registry %s: %w", s.path, err)
	}
	return s.f.Close()
}
