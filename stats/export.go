package stats

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/indicators/contacts"
)

// MinKeyBytes is the shortest pseudonymization key accepted.
const MinKeyBytes = 16

// Suppressed replaces a category value that fewer than the minimum count of
// exported listings share.
const Suppressed = "suppressed"

// Tokenizer turns contacts and IDs into keyed pseudonyms:
// type + ":" + the first 16 bytes, in hex, of
// HMAC-SHA256(key, type + ":" + normalized value). The same value gives
// the same token under the same key, so reuse can be counted across
// exports; anyone holding the key can test a guessed phone number, so the
// key must never travel with the export.
type Tokenizer struct {
	mac hash.Hash
	buf []byte
}

// NewTokenizer returns a Tokenizer for key, which must have at least
// MinKeyBytes bytes. It is not safe for concurrent use.
func NewTokenizer(key []byte) (*Tokenizer, error) {
	if len(key) < MinKeyBytes {
		return nil, errs.E("export key", errs.Config, fmt.Sprintf("the key has %d bytes; use at least %d random bytes (e.g. openssl rand -hex 32)", len(key), MinKeyBytes))
	}
	return &Tokenizer{mac: hmac.New(sha256.New, key)}, nil
}

// Normalize returns the form of a value that is hashed: contacts are
// trimmed, e-mails, handles and URLs lower-cased, a URL's trailing slash
// dropped; IDs are only trimmed.
func Normalize(typ, value string) string {
	v := strings.TrimSpace(value)
	switch typ {
	case "email", "handle":
		v = strings.ToLower(v)
	case "url":
		v = strings.TrimRight(strings.ToLower(v), "/")
	case "phone":
		v = strings.Map(func(r rune) rune {
			if r == '+' || (r >= '0' && r <= '9') {
				return r
			}
			return -1
		}, v)
	}
	return v
}

// Token returns the pseudonym of value of the given type ("phone",
// "email", "handle", "url", "id").
func (t *Tokenizer) Token(typ, value string) string {
	t.mac.Reset()
	t.buf = append(append(append(t.buf[:0], typ...), ':'), Normalize(typ, value)...)
	t.mac.Write(t.buf)
	sum := t.mac.Sum(t.buf[:0])
	return typ + ":" + hex.EncodeToString(sum[:16])
}

// KeyID fingerprints the key without revealing it, so readers can tell
// whether two exports' tokens are comparable.
func (t *Tokenizer) KeyID() string {
	tok := t.Token("key-id", "redthread export key")
	return strings.TrimPrefix(tok, "key-id:")[:16]
}

// ParseKey reads a key from the contents of a key file or environment
// variable: surrounding white space is dropped.
func ParseKey(b []byte) []byte {
	return []byte(strings.TrimSpace(string(b)))
}

// ExportRow is one listing of an export.
type ExportRow struct {
	Listing    string   `json:"listing" parquet:"listing"`
	Indicators []string `json:"indicators" parquet:"indicators,list"`
	Score      int      `json:"score" parquet:"score"`
	Level      string   `json:"level" parquet:"level"`
	Kind       string   `json:"kind" parquet:"kind"`
	Source     string   `json:"source" parquet:"source"`
	Country    string   `json:"country" parquet:"country"`
	Language   string   `json:"language" parquet:"language"`
	Week       string   `json:"week" parquet:"week"`
	Contacts   []string `json:"contacts" parquet:"contacts,list"`
	Linked     []string `json:"linked" parquet:"linked,list"`
	Title      *string  `json:"title,omitempty" parquet:"title,optional"`
	Body       *string  `json:"body,omitempty" parquet:"body,optional"`
}

// ExportOptions configure an Exporter.
type ExportOptions struct {
	// Tokenizer pseudonymizes contacts and IDs; required.
	Tokenizer *Tokenizer
	// IncludeText adds the listing's title and body, with the contacts
	// found in them replaced by their tokens and stated names by "[name]".
	IncludeText bool
	// Contacts finds contacts in text for IncludeText; nil uses the
	// default extractor.
	Contacts *contacts.Extractor
	// MinCount: a kind, source, country, language or week shared by fewer
	// exported listings is written as "suppressed". Below 1 means
	// DefaultMinCount.
	MinCount int
}

// Exporter builds export rows in two passes over the same results: Count
// every result, then call Row for each.
type Exporter struct {
	opt    ExportOptions
	counts [nDims]map[string]int64
	weeks  map[string]string
}

// NewExporter checks opt and returns an Exporter.
func NewExporter(opt ExportOptions) (*Exporter, error) {
	if opt.Tokenizer == nil {
		return nil, errs.E("export", errs.Config, "a pseudonymization key is required")
	}
	if opt.MinCount < 1 {
		opt.MinCount = DefaultMinCount
	}
	if opt.IncludeText && opt.Contacts == nil {
		c, err := contacts.Default()
		if err != nil {
			return nil, err
		}
		opt.Contacts = c
	}
	x := &Exporter{opt: opt, weeks: map[string]string{}}
	for i := range x.counts {
		x.counts[i] = map[string]int64{}
	}
	return x, nil
}

// Count records r's category values (the first pass).
func (x *Exporter) Count(r *corpus.Result) {
	d := Dims(r, x.weeks)
	for i, v := range d {
		x.counts[i][v]++
	}
}

// Row returns r's export row (the second pass).
func (x *Exporter) Row(r *corpus.Result) ExportRow {
	tk := x.opt.Tokenizer
	d := Dims(r, x.weeks)
	for i, v := range d {
		if x.counts[i][v] < int64(x.opt.MinCount) {
			d[i] = Suppressed
		}
	}
	row := ExportRow{Listing: tk.Token("id", r.ID), Score: r.Score, Level: r.Level,
		Kind: d[dimKind], Source: d[dimSource], Country: d[dimCountry], Language: d[dimLanguage], Week: d[dimWeek],
		Indicators: []string{}, Contacts: []string{}, Linked: []string{}}
	if row.Level == "" {
		row.Level = Unknown
	}
	for _, h := range r.Indicators {
		row.Indicators = append(row.Indicators, h.ID)
		for _, l := range h.Linked {
			row.Linked = append(row.Linked, tk.Token("id", l))
		}
	}
	slices.Sort(row.Indicators)
	row.Indicators = slices.Compact(row.Indicators)
	for _, c := range r.Contacts {
		row.Contacts = append(row.Contacts, tk.Token(contactType(c.Type), c.Value))
	}
	slices.Sort(row.Contacts)
	row.Contacts = slices.Compact(row.Contacts)
	slices.Sort(row.Linked)
	row.Linked = slices.Compact(row.Linked)
	if x.opt.IncludeText && r.Listing != nil {
		title := x.redact(r, "title", r.Listing.Title)
		body := x.redact(r, "body", r.Listing.Body)
		row.Title, row.Body = &title, &body
	}
	return row
}

func contactType(t string) string {
	switch t {
	case "phone", "email", "handle", "url":
		return t
	}
	return "contact"
}

type span struct {
	start, end int
	repl       string
}

// redact replaces in text (field of r's listing) every contact the
// extractor finds, every evidence span that shares a contact, every literal
// contact of the result or listing, and every stated name.
func (x *Exporter) redact(r *corpus.Result, field, text string) string {
	if text == "" {
		return ""
	}
	tk := x.opt.Tokenizer
	region := ""
	if r.Listing != nil {
		region = strings.ToUpper(r.Listing.Country)
	}
	var spans []span
	for _, c := range x.opt.Contacts.Extract(text, region) {
		spans = append(spans, span{c.Start, c.End, "[" + tk.Token(contactType(string(c.Type)), c.Value) + "]"})
	}
	known := map[string]string{}
	for _, c := range r.Contacts {
		known[c.Value] = contactType(c.Type)
	}
	for _, h := range r.Indicators {
		for _, e := range h.Evidence {
			if e.Field != field || e.Shared == "" {
				continue
			}
			typ, ok := known[e.Shared]
			if !ok {
				typ = "contact"
			}
			spans = append(spans, span{e.Start, e.End, "[" + tk.Token(typ, e.Shared) + "]"})
		}
	}
	// fallbacks for what the extractor may miss: anything shaped like an
	// e-mail address or a phone number (8 or more digits in one run of
	// digits and separators) is replaced too
	// (unless they overlap a span found above, whose token is the better one)
	primary := len(spans)
	free := func(a, b int) bool {
		for _, s := range spans[:primary] {
			if a < s.end && s.start < b {
				return false
			}
		}
		return true
	}
	for _, m := range emailRE.FindAllStringIndex(text, -1) {
		if free(m[0], m[1]) {
			spans = append(spans, span{m[0], m[1], "[" + tk.Token("email", text[m[0]:m[1]]) + "]"})
		}
	}
	for _, m := range phoneRE.FindAllStringIndex(text, -1) {
		if digits(text[m[0]:m[1]]) >= 8 && free(m[0], m[1]) {
			spans = append(spans, span{m[0], m[1], "[" + tk.Token("phone", text[m[0]:m[1]]) + "]"})
		}
	}
	text = applySpans(text, spans)
	// literal forms the spans may have missed
	lits := map[string]string{}
	for _, c := range r.Contacts {
		lits[c.Value] = "[" + tk.Token(contactType(c.Type), c.Value) + "]"
		if c.Type == "handle" {
			if _, name, ok := strings.Cut(c.Value, ":"); ok {
				lits[name] = lits[c.Value]
			}
		}
	}
	if r.Listing != nil {
		for _, c := range r.Listing.Contacts {
			lits[strings.TrimSpace(c)] = "[" + tk.Token("contact", c) + "]"
		}
	}
	keys := make([]string, 0, len(lits))
	for k := range lits {
		if utf8.RuneCountInString(k) >= 4 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b string) int { return len(b) - len(a) }) // longest first
	for _, k := range keys {
		text = replaceFold(text, k, lits[k])
	}
	for _, n := range r.Entities.Names {
		if utf8.RuneCountInString(n) >= 2 {
			text = replaceWord(text, n, "[name]")
		}
	}
	return text
}

var (
	emailRE = regexp.MustCompile(`[\p{L}\p{N}._%+\-]+@[\p{L}\p{N}\-]+(?:\.[\p{L}\p{N}\-]+)+`)
	phoneRE = regexp.MustCompile(`\+?\(?\d[\d\s().\-/]{6,}\d`)
)

func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// applySpans replaces spans of text, skipping spans that are out of range,
// not on character boundaries, or overlap an earlier one.
func applySpans(text string, spans []span) string {
	slices.SortFunc(spans, func(a, b span) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return b.end - a.end
	})
	var b strings.Builder
	pos := 0
	for _, s := range spans {
		if s.start < pos || s.end <= s.start || s.end > len(text) ||
			!utf8.RuneStart(text[s.start]) || (s.end < len(text) && !utf8.RuneStart(text[s.end])) {
			continue
		}
		b.WriteString(text[pos:s.start])
		b.WriteString(s.repl)
		pos = s.end
	}
	b.WriteString(text[pos:])
	return b.String()
}

// replaceFold replaces every case-insensitive occurrence of old in s.
func replaceFold(s, old, repl string) string {
	lo, lold := strings.ToLower(s), strings.ToLower(old)
	if len(lo) != len(s) || !strings.Contains(lo, lold) {
		if strings.Contains(s, old) {
			return strings.ReplaceAll(s, old, repl)
		}
		return s
	}
	var b strings.Builder
	pos := 0
	for {
		i := strings.Index(lo[pos:], lold)
		if i < 0 {
			break
		}
		b.WriteString(s[pos : pos+i])
		b.WriteString(repl)
		pos += i + len(lold)
	}
	b.WriteString(s[pos:])
	return b.String()
}

// replaceWord replaces occurrences of word in s that stand as whole words.
func replaceWord(s, word, repl string) string {
	var b strings.Builder
	pos := 0
	for {
		i := strings.Index(s[pos:], word)
		if i < 0 {
			break
		}
		at, end := pos+i, pos+i+len(word)
		before, _ := utf8.DecodeLastRuneInString(s[:at])
		after, _ := utf8.DecodeRuneInString(s[end:])
		if (at == 0 || !isWordRune(before)) && (end == len(s) || !isWordRune(after)) {
			b.WriteString(s[pos:at])
			b.WriteString(repl)
		} else {
			b.WriteString(s[pos:end])
		}
		pos = end
	}
	b.WriteString(s[pos:])
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }

// exportNotes explain every export.
func exportNotes(minCount int, text bool) []string {
	n := []string{
		"One row per listing. listing, contacts and linked are keyed pseudonyms: type:hex(HMAC-SHA256(key, type:normalized value)[:16]); the same value gives the same token under the same key_id. Anyone with the key can test guessed values: never share the key with the export.",
		fmt.Sprintf("kind, source, country, language and week values shared by fewer than %d listings of this export are written as 'suppressed'.", minCount),
		"week: ISO 8601 week of posted_at; source, country and week are 'unknown' when the results were scanned without --embed-listing or the listing lacks them.",
	}
	if text {
		n = append(n, "title and body are included; contacts found in them are replaced by their tokens and stated names by [name]. Free text can still identify people: review before sharing.")
	} else {
		n = append(n, "Listing text is left out.")
	}
	return n
}

// ExportMeta completes meta for an export made with opt.
func ExportMeta(meta Meta, opt ExportOptions) Meta {
	meta.Kind = "redthread-export"
	if opt.MinCount < 1 {
		opt.MinCount = DefaultMinCount
	}
	meta.MinCount = opt.MinCount
	if opt.Tokenizer != nil {
		meta.KeyID = opt.Tokenizer.KeyID()
	}
	meta.Notes = append(exportNotes(opt.MinCount, opt.IncludeText), meta.Notes...)
	return meta
}

// ExportWriter writes export rows in one format. Call Close to finish.
type ExportWriter struct {
	f     Format
	text  bool
	bw    *bufio.Writer
	cw    *csv.Writer
	pw    *parquet.GenericWriter[ExportRow]
	n     int
	batch []ExportRow
}

// NewExportWriter starts an export in format f (CSV, JSON or Parquet) with
// meta recorded as a JSON "meta" object or Parquet key-value metadata. A
// CSV export starts with its header row, as CSV readers expect: its meta
// goes to a sidecar file (WriteMetaJSON) or, with NewExportWriterComments,
// to "# key: value" lines before the header. text adds the title and body
// columns.
func NewExportWriter(w io.Writer, f Format, meta Meta, text bool) (*ExportWriter, error) {
	return newExportWriter(w, f, meta, text, false)
}

// NewExportWriterComments is NewExportWriter with the meta of a CSV export
// written as "# key: value" lines before the header row.
func NewExportWriterComments(w io.Writer, f Format, meta Meta, text bool) (*ExportWriter, error) {
	return newExportWriter(w, f, meta, text, true)
}

// WriteMetaJSON writes meta as an indented JSON object: the sidecar of a
// CSV export.
func WriteMetaJSON(w io.Writer, meta Meta) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(meta)
}

func newExportWriter(w io.Writer, f Format, meta Meta, text, comments bool) (*ExportWriter, error) {
	x := &ExportWriter{f: f, text: text}
	switch f {
	case CSV:
		x.bw = bufio.NewWriterSize(w, 64<<10)
		if comments {
			if err := writeComments(x.bw, &meta); err != nil {
				return nil, err
			}
		}
		x.cw = csv.NewWriter(x.bw)
		head := []string{"listing", "indicators", "score", "level", "kind", "source", "country", "language", "week", "contacts", "linked"}
		if text {
			head = append(head, "title", "body")
		}
		if err := x.cw.Write(head); err != nil {
			return nil, err
		}
	case JSON:
		x.bw = bufio.NewWriterSize(w, 64<<10)
		m, err := json.MarshalIndent(meta, "", "  ")
		if err != nil {
			return nil, err
		}
		x.bw.WriteString("{\"meta\": ")
		x.bw.Write(m)
		x.bw.WriteString(",\n\"rows\": [")
	case Parquet:
		var opts []parquet.WriterOption
		for _, kv := range meta.Pairs() {
			opts = append(opts, parquet.KeyValueMetadata(kv[0], kv[1]))
		}
		x.pw = parquet.NewGenericWriter[ExportRow](w, opts...)
	default:
		return nil, errs.E("export", errs.Config, fmt.Sprintf("format %q is not available for exports (csv, json or parquet)", f))
	}
	return x, nil
}

// Write adds one row.
func (x *ExportWriter) Write(r ExportRow) error {
	if !x.text {
		r.Title, r.Body = nil, nil
	}
	x.n++
	switch x.f {
	case CSV:
		rec := []string{r.Listing, strings.Join(r.Indicators, "|"), strconv.Itoa(r.Score), r.Level,
			csvSafe(r.Kind), csvSafe(r.Source), csvSafe(r.Country), csvSafe(r.Language), r.Week,
			strings.Join(r.Contacts, "|"), strings.Join(r.Linked, "|")}
		if x.text {
			rec = append(rec, csvSafe(deref(r.Title)), csvSafe(deref(r.Body)))
		}
		return x.cw.Write(rec)
	case JSON:
		b, err := corpus.MarshalJSONLine(r)
		if err != nil {
			return err
		}
		if x.n > 1 {
			x.bw.WriteString(",")
		}
		x.bw.WriteString("\n")
		_, err = x.bw.Write(b[:len(b)-1])
		return err
	}
	x.batch = append(x.batch, r)
	if len(x.batch) >= 4096 {
		return x.flushBatch()
	}
	return nil
}

func (x *ExportWriter) flushBatch() error {
	_, err := x.pw.Write(x.batch)
	x.batch = x.batch[:0]
	return err
}

// Close finishes the output. It does not close the underlying writer.
func (x *ExportWriter) Close() error {
	switch x.f {
	case CSV:
		x.cw.Flush()
		if err := x.cw.Error(); err != nil {
			return err
		}
		return x.bw.Flush()
	case JSON:
		x.bw.WriteString("\n]}\n")
		return x.bw.Flush()
	}
	if err := x.flushBatch(); err != nil {
		return err
	}
	return x.pw.Close()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
