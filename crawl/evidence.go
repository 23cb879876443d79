package crawl

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// EvidenceRecord is one line of the evidence index, evidence.jsonl: what a
// URL returned and when. File is relative to the evidence folder and holds
// the raw body, gzip-compressed, named by its SHA-256.
type EvidenceRecord struct {
	URL         string    `json:"url"`
	FinalURL    string    `json:"final_url,omitempty"`
	FetchedAt   time.Time `json:"fetched_at"`
	Status      int       `json:"status"`
	ContentType string    `json:"content_type,omitempty"`
	SHA256      string    `json:"sha256"`
	Bytes       int       `json:"bytes"`
	File        string    `json:"file"`
}

// evidence keeps raw pages as they were fetched.
type evidence struct {
	dir string
	mu  sync.Mutex
	f   *os.File
	w   *bufio.Writer
}

func openEvidence(dir string) (*evidence, error) {
	if dir == "" {
		return nil, nil
	}
	if err := os.MkdirAll(filepath.Join(dir, "pages"), 0o755); err != nil {
		return nil, fmt.Errorf("evidence folder: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "evidence.jsonl"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("evidence index: %w", err)
	}
	return &evidence{dir: dir, f: f, w: bufio.NewWriter(f)}, nil
}

// sha256Hex returns the hex SHA-256 of b.
func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// save writes body (once per content) and appends its index record.
func (e *evidence) save(rec EvidenceRecord, body []byte) error {
	if e == nil {
		return nil
	}
	rec.File = filepath.ToSlash(filepath.Join("pages", rec.SHA256[:2], rec.SHA256+".gz"))
	p := filepath.Join(e.dir, filepath.FromSlash(rec.File))
	if _, err := os.Stat(p); err != nil {
		if err := writeGzip(p, body); err != nil {
			return fmt.Errorf("save evidence for %s: %w", rec.URL, err)
		}
	}
	line, _ := json.Marshal(rec)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.w.Write(line)
	e.w.WriteByte('\n')
	return e.w.Flush()
}

func writeGzip(p string, body []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(tmp, gzip.BestSpeed)
	_, err = zw.Write(body)
	if cerr := zw.Close(); err == nil {
		err = cerr
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

func (e *evidence) close() error {
	if e == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.w.Flush()
	return e.f.Close()
}
