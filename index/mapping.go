package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/single"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/mapping"

	// Per-language analyzers: each registers itself under its ISO 639-1 code.
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ar"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/da"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/de"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/en"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/es"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fa"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fi"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/fr"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/hi"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/hr"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/hu"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/it"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/nl"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/no"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/pl"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/pt"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ro"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/ru"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/sv"
	_ "github.com/blevesearch/bleve/v2/analysis/lang/tr"

	"github.com/redthread/redthread/corpus"
)

// Field names in the index. They are the names analysts type in queries.
const (
	FieldTitle      = "title"
	FieldBody       = "body"
	FieldEmployer   = "employer"
	FieldIndicators = "indicators"
	FieldLevel      = "level"
	FieldKind       = "kind"
	FieldSource     = "source"
	FieldCountry    = "country"
	FieldLanguage   = "language"
	FieldContacts   = "contacts"
	FieldPhotos     = "photos"
	FieldScore      = "score"
	FieldPosted     = "posted"
	FieldWeek       = "week"
	fieldRaw        = "raw"
)

// TextFields are the analyzed text fields; a word without a field name is
// searched in all of them.
var TextFields = []string{FieldTitle, FieldBody, FieldEmployer}

// KeywordFields are matched whole and case-insensitively; they can be
// filtered on and faceted.
var KeywordFields = []string{FieldIndicators, FieldLevel, FieldKind, FieldSource, FieldCountry,
	FieldLanguage, FieldContacts, FieldPhotos, FieldWeek}

// languages are the ISO 639-1 codes with a bleve analyzer (stemming and stop
// words); text in other languages is analyzed language-neutrally.
var languages = []string{"ar", "da", "de", "en", "es", "fa", "fi", "fr", "hi", "hr", "hu", "it",
	"nl", "no", "pl", "pt", "ro", "ru", "sv", "tr", "zh", "ja", "ko"}

// analyzerFor maps a language to its bleve analyzer name.
func analyzerFor(lang string) string {
	switch lang {
	case "zh", "ja", "ko":
		return "cjk"
	}
	return lang
}

const (
	neutralAnalyzer = "rt_text"    // unicode words, lower case; no stemming, no stop words
	keywordAnalyzer = "rt_keyword" // whole value, lower case
)

func isText(field string) bool {
	for _, f := range TextFields {
		if f == field {
			return true
		}
	}
	return false
}

func isKeyword(field string) bool {
	for _, f := range KeywordFields {
		if f == field {
			return true
		}
	}
	return false
}

func newMapping() mapping.IndexMapping {
	im := bleve.NewIndexMapping()
	must(im.AddCustomAnalyzer(neutralAnalyzer, map[string]any{
		"type": custom.Name, "tokenizer": unicode.Name, "token_filters": []string{lowercase.Name}}))
	must(im.AddCustomAnalyzer(keywordAnalyzer, map[string]any{
		"type": custom.Name, "tokenizer": single.Name, "token_filters": []string{lowercase.Name}}))
	im.DefaultAnalyzer = neutralAnalyzer
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	im.DefaultField = FieldBody
	im.DefaultMapping = docMapping(neutralAnalyzer)
	for _, l := range languages {
		im.AddDocumentMapping(l, docMapping(analyzerFor(l)))
	}
	return im
}

func must(err error) {
	if err != nil {
		panic(err) // only on a programming error in the static mapping
	}
}

func docMapping(textAnalyzer string) *mapping.DocumentMapping {
	dm := bleve.NewDocumentStaticMapping()
	for _, f := range TextFields {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = textAnalyzer
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = true
		fm.DocValues = false
		dm.AddFieldMappingsAt(f, fm)
	}
	for _, f := range KeywordFields {
		fm := bleve.NewKeywordFieldMapping()
		fm.Analyzer = keywordAnalyzer
		fm.Store = false
		fm.IncludeInAll = false
		fm.IncludeTermVectors = false
		fm.DocValues = true
		dm.AddFieldMappingsAt(f, fm)
	}
	score := bleve.NewNumericFieldMapping()
	score.Store = false
	score.IncludeInAll = false
	dm.AddFieldMappingsAt(FieldScore, score)
	posted := bleve.NewDateTimeFieldMapping()
	posted.Store = false
	posted.IncludeInAll = false
	dm.AddFieldMappingsAt(FieldPosted, posted)
	raw := bleve.NewTextFieldMapping()
	raw.Index = false
	raw.Store = true
	raw.IncludeInAll = false
	raw.IncludeTermVectors = false
	raw.DocValues = false
	dm.AddFieldMappingsAt(fieldRaw, raw)
	return dm
}

// doc is what bleve indexes for one result. Its type (the language) picks
// the text analyzer.
type doc map[string]any

// BleveType implements bleve's classifier: the document mapping to use.
func (d doc) BleveType() string {
	l, _ := d[FieldLanguage].(string)
	if hasLanguage(l) {
		return l
	}
	return "_default"
}

func hasLanguage(l string) bool {
	for _, x := range languages {
		if x == l {
			return true
		}
	}
	return false
}

// makeDoc flattens a result and its listing into the indexed fields.
func makeDoc(r *corpus.Result) (doc, error) {
	if r.ID == "" {
		return nil, errors.New("result has no id")
	}
	raw, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("encode result %s: %w", r.ID, err)
	}
	d := doc{fieldRaw: string(raw), FieldScore: float64(r.Score)}
	l := r.Listing
	if l == nil {
		l = &corpus.Listing{}
	}
	lang := strings.ToLower(strings.TrimSpace(r.Language))
	if lang == "" {
		lang = strings.ToLower(strings.TrimSpace(l.Language))
	}
	kind := r.Kind
	if kind == "" {
		kind = l.Kind
	}
	setStr(d, FieldTitle, l.Title)
	body := l.Body
	if body == "" && l.HTML != "" {
		body = corpus.TextFromHTML(l.HTML)
	}
	setStr(d, FieldBody, body)
	setStr(d, FieldEmployer, l.Employer)
	setStr(d, FieldLevel, r.Level)
	setStr(d, FieldKind, kind)
	setStr(d, FieldSource, l.Source)
	setStr(d, FieldCountry, strings.ToUpper(strings.TrimSpace(l.Country)))
	setStr(d, FieldLanguage, lang)
	if len(r.Indicators) > 0 {
		ids := make([]string, 0, len(r.Indicators))
		for _, h := range r.Indicators {
			ids = append(ids, h.ID)
		}
		d[FieldIndicators] = ids
	}
	if keys := contactKeys(r.Contacts); len(keys) > 0 {
		d[FieldContacts] = keys
	}
	var photos []string
	for _, p := range r.Photos {
		for _, h := range []string{p.PHash, p.PDQ} {
			if h != "" {
				photos = append(photos, strings.ToLower(h))
			}
		}
	}
	for _, im := range l.Images {
		if im.PHash != "" {
			photos = append(photos, strings.ToLower(im.PHash))
		}
	}
	if len(photos) > 0 {
		d[FieldPhotos] = photos
	}
	if t, ok := parseTime(l.PostedAt); ok {
		d[FieldPosted] = t
		y, w := t.ISOWeek()
		d[FieldWeek] = fmt.Sprintf("%04d-W%02d", y, w)
	}
	return d, nil
}

func setStr(d doc, k, v string) {
	if v != "" {
		d[k] = v
	}
}

// parseTime reads RFC 3339 timestamps and plain dates.
func parseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false
	}
	for _, layout := range []string{time.RFC3339Nano, time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// contactKeys are the values indexed for a result's contacts: each
// normalized value, and for phones also the national significant number, so
// a number typed without its country still finds the listing.
func contactKeys(cs []corpus.Contact) []string {
	var out []string
	for _, c := range cs {
		v := strings.TrimSpace(c.Value)
		if v == "" {
			continue
		}
		out = append(out, strings.ToLower(v))
		if c.Type == "phone" {
			if nsn := nationalNumber(v); nsn != "" {
				out = append(out, nsn)
			}
		}
	}
	return out
}
