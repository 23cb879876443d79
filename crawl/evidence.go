package crawl

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nlnwa/gowarc/v3"
)

// EvidenceRecord is one line of the evidence index, evidence.jsonl: what a
// URL returned and when, and where the response is kept. File is relative
// to the evidence folder: a WARC file (ISO 28500, WARC/1.1) of gzip
// members, one record per member; Offset and Length locate the response
// record's gzip member, so one page can be read without the rest. The
// request record that asked for it follows it, and each names the other
// in WARC-Concurrent-To.
type EvidenceRecord struct {
	URL         string    `json:"url"`
	FinalURL    string    `json:"final_url,omitempty"`
	FetchedAt   time.Time `json:"fetched_at"`
	Status      int       `json:"status"`
	ContentType string    `json:"content_type,omitempty"`
	SHA256      string    `json:"sha256"` // of the body, decoded as the crawler read it
	Bytes       int       `json:"bytes"`
	File        string    `json:"file"`
	Offset      int64     `json:"offset"`
	Length      int64     `json:"length"`
	// IP is the address the response came from (WARC-IP-Address).
	IP string `json:"ip,omitempty"`
	// WARCRecordID is the response record's WARC-Record-ID.
	WARCRecordID string `json:"warc_record_id,omitempty"`
}

// DefaultEvidenceMaxBytes is where a WARC file is closed and the next one
// begun, unless Config.EvidenceMaxBytes says otherwise.
const DefaultEvidenceMaxBytes = 1 << 30

// evidence keeps raw pages as they were fetched: WARC response and
// request records written with github.com/nlnwa/gowarc, each in its own
// gzip member, in files rotated by size. File names carry the process's
// name (host and PID by default) and a time stamp, so a run never appends
// to an older file and crawlers sharing the folder never share a file.
type evidence struct {
	dir string
	log *slog.Logger
	w   *gowarc.WarcFileWriter
	max int64
	idx *os.File
	iw  *bufio.Writer
}

// warcMu serializes saves in the process: a page's records stay together
// in one file, and gowarc sets a global (uuid.EnableRandPool) whenever it
// builds a record, which is a data race between two evidence writers.
var warcMu sync.Mutex

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// evidenceRuns counts the evidence writers this process opened: a second
// crawl in one process gets "-r2" in its file names, so it never meets
// the first one's files.
var evidenceRuns atomic.Int64

// evidenceName is the default process name in WARC file names.
func evidenceName() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		h = "host"
	}
	return h + "-" + strconv.Itoa(os.Getpid())
}

func openEvidence(dir, name string, maxBytes int64, log *slog.Logger) (*evidence, error) {
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
	if name == "" {
		name = evidenceName()
	}
	name = unsafeName.ReplaceAllString(name, "_")
	if n := evidenceRuns.Add(1); n > 1 {
		name += "-r" + strconv.FormatInt(n, 10)
	}
	if maxBytes <= 0 {
		maxBytes = DefaultEvidenceMaxBytes
	}
	gen := &gowarc.PatternNameGenerator{Directory: dir, Prefix: "pages-", Pattern: "%{prefix}s%{ts}s-%05{serial}d-%{name}s.%{ext}s",
		Params: map[string]any{"name": name}}
	info := "software: redthread-crawler\r\nformat: WARC File Format 1.1\r\n" +
		"conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n" +
		"description: HTTP/1.1 requests and responses as sent and received (TLS decrypted, transfer and content encodings kept); " +
		"WARC-Payload-Digest is over the bytes after the HTTP header, as received\r\n" +
		"hostname: " + name + "\r\n"
	w := gowarc.NewWarcFileWriter(
		gowarc.WithCompression(true),
		gowarc.WithCompressionLevel(1),
		// Rotation is done in save, between pages, so a response and its
		// request always share a file.
		gowarc.WithMaxFileSize(0),
		gowarc.WithFileNameGenerator(gen),
		// The index names files as written: no ".open" while in use, so
		// the index is right even after a crash.
		gowarc.WithOpenFileSuffix(""),
		gowarc.WithAddWarcConcurrentToHeader(true),
		gowarc.WithWarcInfoFunc(func(rb gowarc.WarcRecordBuilder) error {
			_, err := rb.WriteString(info)
			return err
		}),
		gowarc.WithRecordOptions(recordOptions()...),
	)
	return &evidence{dir: dir, log: log, w: w, max: maxBytes, idx: f, iw: bufio.NewWriter(f)}, nil
}

func recordOptions() []gowarc.WarcRecordOption {
	return []gowarc.WarcRecordOption{gowarc.WithAddMissingDigest(true), gowarc.WithDefaultDigestAlgorithm("sha1"),
		gowarc.WithAddMissingRecordId(true), gowarc.WithAddMissingContentLength(true)}
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

// save writes a fetch's exchanges (redirect hops, then the page) as WARC
// response and request records, then the page's index line. Without a
// capture (none was recorded), the response is rebuilt from the header
// and decoded body, and marked so.
func (e *evidence) save(rec EvidenceRecord, header http.Header, body []byte, exs []*exchange) error {
	if e == nil {
		return nil
	}
	if len(exs) == 0 {
		exs = []*exchange{rebuilt(rec, header, body)}
	}
	warcMu.Lock()
	defer warcMu.Unlock()
	var last gowarc.WriteResponse
	var lastID, lastIP string
	for _, x := range exs {
		reqBytes, respBytes, ip := x.snapshot()
		if len(respBytes) == 0 {
			continue // a hop that failed before any answer
		}
		resp, err := e.record(gowarc.Response, x, ip, respBytes, "response")
		if err != nil {
			// Bytes the WARC library will not take are the server's doing:
			// keep the page as the crawler read it rather than stop.
			e.log.Warn("crawl: response not storable as received; keeping it rebuilt", "url", x.url, "err", err)
			rb := rebuilt(rec, header, body)
			rb.url, rb.at = x.url, x.at
			_, rbytes, _ := rb.snapshot()
			if resp, err = e.record(gowarc.Response, rb, ip, rbytes, "response"); err != nil {
				return fmt.Errorf("save evidence for %s: %w", x.url, err)
			}
		}
		recs := []gowarc.WarcRecord{resp}
		if len(reqBytes) > 0 {
			if req, err := e.record(gowarc.Request, x, ip, reqBytes, "request"); err != nil {
				e.log.Warn("crawl: request not storable", "url", x.url, "err", err)
			} else {
				recs = append(recs, req)
			}
		}
		id := resp.WarcHeader().Get(gowarc.WarcRecordID)
		// Response first, then its request (as warcprox and Heritrix do):
		// the request's offset ends the response's gzip member.
		res := e.w.Write(recs...)
		if len(res) != len(recs) {
			return fmt.Errorf("save evidence for %s: the WARC writer is closed", x.url)
		}
		for _, r := range res {
			if r.Err != nil {
				return fmt.Errorf("save evidence for %s: %w", x.url, r.Err)
			}
		}
		last, lastID, lastIP = res[0], id, ip
		if len(res) > 1 && res[1].FileName == res[0].FileName {
			last.BytesWritten = res[1].FileOffset - res[0].FileOffset
		} else {
			last.BytesWritten = -1
		}
	}
	if last.FileName == "" {
		return fmt.Errorf("save evidence for %s: nothing was captured", rec.URL)
	}
	rec.File, rec.Offset, rec.Length = last.FileName, last.FileOffset, last.BytesWritten
	if rec.Length < 0 {
		rec.Length = e.memberLength(last.FileName, last.FileOffset)
	}
	rec.IP, rec.WARCRecordID = lastIP, trimID(lastID)
	line, _ := json.Marshal(rec)
	e.iw.Write(line)
	e.iw.WriteByte('\n')
	if err := e.iw.Flush(); err != nil {
		return err
	}
	// A file past the size limit is closed; the next page begins another.
	if st, err := os.Stat(filepath.Join(e.dir, last.FileName)); err == nil && st.Size() >= e.max {
		if err := e.w.Rotate(); err != nil {
			return fmt.Errorf("evidence: start the next WARC file: %w", err)
		}
	}
	return nil
}

func trimID(id string) string {
	if len(id) > 2 && id[0] == '<' && id[len(id)-1] == '>' {
		return id[1 : len(id)-1]
	}
	return id
}

// record builds one WARC record of an exchange.
func (e *evidence) record(t gowarc.RecordType, x *exchange, ip string, block []byte, msgtype string) (gowarc.WarcRecord, error) {
	rb := gowarc.NewRecordBuilder(t, recordOptions()...)
	rb.AddWarcHeader(gowarc.WarcRecordID, "<urn:uuid:"+uuid()+">")
	rb.AddWarcHeaderTime(gowarc.WarcDate, x.at)
	rb.AddWarcHeader(gowarc.WarcTargetURI, x.url)
	if ip != "" {
		rb.AddWarcHeader(gowarc.WarcIPAddress, ip)
	}
	rb.AddWarcHeader(gowarc.ContentType, gowarc.ApplicationHttp+";msgtype="+msgtype)
	if x.max > 0 && len(block) >= x.max {
		rb.AddWarcHeader(gowarc.WarcTruncated, "length")
	}
	if x.max == 0 { // rebuilt: see evidence.save
		rb.AddWarcHeader("WARC-Redthread-Note", "rebuilt from the decoded body, not the bytes as received")
	}
	if _, err := rb.Write(block); err != nil {
		return nil, err
	}
	r, validation, err := rb.Build()
	if err != nil {
		return nil, err
	}
	if len(validation) > 0 {
		e.log.Debug("crawl: WARC record notes", "url", x.url, "type", msgtype, "notes", fmt.Sprint(validation))
	}
	return r, nil
}

// memberLength is a fallback for a response written without its request
// in the same file: the file's size minus off. The index normally gets
// the length from the request record's offset; this one may run past the
// member, which gzip readers that stop at the member's end ignore.
func (e *evidence) memberLength(file string, off int64) int64 {
	st, err := os.Stat(filepath.Join(e.dir, file))
	if err != nil {
		return 0
	}
	return st.Size() - off
}

// rebuilt makes an exchange from a response's header and decoded body,
// for a fetch whose bytes were not captured.
func rebuilt(rec EvidenceRecord, header http.Header, body []byte) *exchange {
	var b bytes.Buffer
	fmt.Fprintf(&b, "HTTP/1.1 %d %s\r\n", rec.Status, http.StatusText(rec.Status))
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
		for _, v := range header[k] {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(body))
	b.Write(body)
	return &exchange{url: rec.URL, at: rec.FetchedAt, resp: b.Bytes()}
}

func (e *evidence) close() error {
	if e == nil {
		return nil
	}
	warcMu.Lock()
	defer warcMu.Unlock()
	err := e.w.Close()
	if ferr := e.iw.Flush(); err == nil {
		err = ferr
	}
	if cerr := e.idx.Close(); err == nil {
		err = cerr
	}
	return err
}
