package crawl

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"
)

// EvidenceRecord is one line of the evidence index, evidence.jsonl: what a
// URL returned and when, and where the response is kept. File is relative
// to the evidence folder: a WARC file (ISO 28500) of gzip members, one
// record per response; Offset and Length locate the record's gzip member,
// so one page can be read without the rest.
type EvidenceRecord struct {
	URL         string    `json:"url"`
	FinalURL    string    `json:"final_url,omitempty"`
	FetchedAt   time.Time `json:"fetched_at"`
	Status      int       `json:"status"`
	ContentType string    `json:"content_type,omitempty"`
	SHA256      string    `json:"sha256"` // of the body
	Bytes       int       `json:"bytes"`
	File        string    `json:"file"`
	Offset      int64     `json:"offset"`
	Length      int64     `json:"length"`
}

// maxWARCBytes is where a WARC file is closed and the next one begun.
const maxWARCBytes = 1 << 30

// evidence keeps raw pages as they were fetched, as WARC response records.
// Each run writes new WARC files, so a killed run never leaves a torn
// record in the middle of a file that a later run appends to.
type evidence struct {
	dir    string
	run    string
	mu     sync.Mutex
	idx    *os.File
	iw     *bufio.Writer
	warc   *os.File
	name   string
	off    int64
	seq    int
	gz     *gzip.Writer
	buf    bytes.Buffer
	record bytes.Buffer
}

func openEvidence(dir, name string, log *slog.Logger) (*evidence, error) {
	if dir == "" {
		return nil, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("evidence folder: %w", err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "evidence.jsonl"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, fmt.Errorf("evidence index: %w", err)
	}
	e := &evidence{dir: dir, idx: f, iw: bufio.NewWriter(f), run: time.Now().UTC().Format("20060102T150405Z")}
	e.gz, _ = gzip.NewWriterLevel(&e.buf, gzip.BestSpeed)
	return e, nil
}

// sha256Hex returns the hex SHA-256 of b.
func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func uuid() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// save appends a WARC response record for the fetch, then its index line.
func (e *evidence) save(rec EvidenceRecord, header http.Header, body []byte) error {
	if e == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.warc == nil || e.off > maxWARCBytes {
		if err := e.rotate(); err != nil {
			return err
		}
	}
	// HTTP block: status line, headers as received (bodies are stored
	// decoded, so transfer and content encodings are dropped), body.
	e.record.Reset()
	fmt.Fprintf(&e.record, "HTTP/1.1 %d %s\r\n", rec.Status, http.StatusText(rec.Status))
	keys := make([]string, 0, len(header))
	for k := range header {
		switch k {
		case "Content-Length", "Transfer-Encoding", "Content-Encoding":
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "Content-Type" && rec.ContentType != "" {
			fmt.Fprintf(&e.record, "Content-Type: %s\r\n", rec.ContentType) // as sent, charset included
			continue
		}
		for _, v := range header[k] {
			fmt.Fprintf(&e.record, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(&e.record, "Content-Length: %d\r\n\r\n", len(body))
	blockLen := e.record.Len() + len(body)

	e.buf.Reset()
	e.gz.Reset(&e.buf)
	fmt.Fprintf(e.gz, "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%s>\r\nWARC-Date: %s\r\n"+
		"WARC-Target-URI: %s\r\nWARC-Payload-Digest: sha-256:%s\r\nContent-Type: application/http;msgtype=response\r\n"+
		"Content-Length: %d\r\n\r\n", uuid(), rec.FetchedAt.UTC().Format(time.RFC3339Nano), rec.URL, rec.SHA256, blockLen)
	e.gz.Write(e.record.Bytes())
	e.gz.Write(body)
	e.gz.Write([]byte("\r\n\r\n"))
	if err := e.gz.Close(); err != nil {
		return err
	}
	n, err := e.warc.Write(e.buf.Bytes())
	if err != nil {
		return fmt.Errorf("save evidence for %s: %w", rec.URL, err)
	}
	rec.File, rec.Offset, rec.Length = e.name, e.off, int64(n)
	e.off += int64(n)
	line, _ := json.Marshal(rec)
	e.iw.Write(line)
	e.iw.WriteByte('\n')
	return e.iw.Flush()
}

func (e *evidence) rotate() error {
	if e.warc != nil {
		if err := e.warc.Close(); err != nil {
			return err
		}
	}
	e.seq++
	e.name = "pages-" + e.run + "-" + strconv.Itoa(e.seq) + ".warc.gz"
	f, err := os.OpenFile(filepath.Join(e.dir, e.name), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("evidence file: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	e.warc, e.off = f, st.Size()
	if e.off > 0 {
		return nil
	}
	// A warcinfo record opens each file: what wrote it, and how.
	info := "software: redthread-crawler\r\nformat: WARC File Format 1.1\r\n" +
		"conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n" +
		"description: raw pages as fetched; bodies are stored decoded (no transfer or content encoding)\r\n"
	e.buf.Reset()
	e.gz.Reset(&e.buf)
	fmt.Fprintf(e.gz, "WARC/1.1\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: <urn:uuid:%s>\r\nWARC-Date: %s\r\n"+
		"WARC-Filename: %s\r\nContent-Type: application/warc-fields\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n",
		uuid(), time.Now().UTC().Format(time.RFC3339), e.name, len(info), info)
	if err := e.gz.Close(); err != nil {
		return err
	}
	n, err := e.warc.Write(e.buf.Bytes())
	e.off += int64(n)
	return err
}

func (e *evidence) close() error {
	if e == nil {
		return nil
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	err := e.iw.Flush()
	if e.warc != nil {
		if cerr := e.warc.Close(); err == nil {
			err = cerr
		}
	}
	if cerr := e.idx.Close(); err == nil {
		err = cerr
	}
	return err
}
