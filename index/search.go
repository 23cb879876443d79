package index

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
)

// Sort orders.
const (
	SortRelevance = "relevance" // best match first (the default)
	SortScore     = "score"     // highest risk score first
	SortDate      = "date"      // newest first
	SortOldest    = "oldest"    // oldest first
)

// DefaultFacets are the facets computed when a Request names none.
var DefaultFacets = []string{FieldIndicators, FieldLevel, FieldKind, FieldSource, FieldCountry, FieldLanguage, FieldWeek}

// MaxPageSize caps Request.Size.
const MaxPageSize = 200

// MaxWindow caps From+Size: results beyond it are not shown (the search
// would have to rank all of them); narrow the search instead.
const MaxWindow = 10_000

// MaxExpansion caps how many index words one wildcard, prefix, regexp or
// fuzzy clause may expand to; a clause over it is refused with a message.
// It sets bleve's process-wide searcher.DisjunctionMaxClauseCount.
const MaxExpansion = 4096

func init() { searcher.DisjunctionMaxClauseCount = MaxExpansion }

// DefaultQueryTimeout is how long one search may run (SetQueryTimeout
// changes it for an index); then it stops with ErrTimeout.
const DefaultQueryTimeout = 10 * time.Second

// ErrTimeout is wrapped by Search's error when the search ran out of time.
var ErrTimeout = errors.New("the search took too long and was stopped; narrow it (a filter, fewer or longer wildcards)")

// queryContext bounds one search: it ends with cause ErrTimeout after d.
var queryContext = func(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeoutCause(ctx, d, ErrTimeout)
}

// Request is one search.
type Request struct {
	// Query is in bleve's query-string syntax over the fields title, body,
	// employer, indicators, level, kind, source, country, language,
	// contacts, photos, score, posted and week. Every clause is required;
	// "-clause" excludes. A phone number in any common format is matched
	// against the normalized contacts, using the country filter as its
	// region. Empty matches everything.
	Query string
	// Filters restrict results: field name to accepted values (any of them).
	Filters map[string][]string
	// IDs, when not nil, restricts results to these listing IDs;
	// ExcludeIDs removes listings.
	IDs, ExcludeIDs []string
	// Facets names the keyword fields to count; nil means DefaultFacets,
	// an empty non-nil slice none.
	Facets    []string
	FacetSize int    // terms per facet; 0 means 10
	Sort      string // one of the Sort constants; "" is relevance
	From      int
	Size      int  // 0 means 20
	Highlight bool // compute Snippets
}

// Response is the answer to a Request.
type Response struct {
	Total  uint64        `json:"total"`
	Took   time.Duration `json:"took_ns"`
	Hits   []Hit         `json:"hits"`
	Facets []Facet       `json:"facets,omitempty"`
	// Phones are the phone numbers recognized in the query, normalized.
	Phones []string `json:"phones,omitempty"`
}

// Hit is one found listing, summarized.
type Hit struct {
	ID         string    `json:"id"`
	Relevance  float64   `json:"relevance"`
	Title      string    `json:"title"`
	Score      int       `json:"score"`
	Level      string    `json:"level"`
	Kind       string    `json:"kind"`
	Source     string    `json:"source,omitempty"`
	Country    string    `json:"country,omitempty"`
	Language   string    `json:"language,omitempty"`
	Posted     string    `json:"posted,omitempty"`
	Indicators []string  `json:"indicators"`
	Snippets   []Snippet `json:"snippets,omitempty"`
}

// Snippet is a piece of a field with the matched words marked. Its parts
// are plain text: whoever renders them escapes them.
type Snippet struct {
	Field string `json:"field"`
	Parts []Part `json:"parts"`
}

// Part is a run of text, marked or not.
type Part struct {
	Text string `json:"text"`
	Mark bool   `json:"mark,omitempty"`
}

// Facet counts the values of one field among all matches.
type Facet struct {
	Field string      `json:"field"`
	Terms []FacetTerm `json:"terms"`
	Other int         `json:"other,omitempty"`
}

// FacetTerm is one value of a facet and how many matches have it.
type FacetTerm struct {
	Term  string `json:"term"`
	Count int    `json:"count"`
}

// QueryError is returned (wrapped in an errs.Invalid error) when the query
// cannot be parsed or is over the query budget (MinWildcardPrefix,
// MaxExpansion, MaxClauses, MaxWindow); its message is meant for the person
// who typed it.
type QueryError struct {
	Query  string
	Err    error
	budget bool // refused by the query budget rather than not understood
}

func (e *QueryError) Error() string {
	if e.budget {
		return fmt.Sprintf("query too expensive: %v", e.Err)
	}
	if strings.Contains(e.Err.Error(), "TooManyClauses") {
		return fmt.Sprintf("query too expensive: a wildcard, regexp or fuzzy word matches more than %d words in the index; make it longer", MaxExpansion)
	}
	return fmt.Sprintf("cannot understand the query: %v (use field:value, \"a phrase\", -exclude; see the help)", e.Err)
}

func (e *QueryError) Unwrap() error { return e.Err }

// BuildQuery turns a Request's query and filters into a bleve query. It is
// exported for tests and for tools that want to see what a query means.
func (x *Index) BuildQuery(req Request) (q query.Query, phones []string, err error) {
	defer func() {
		if p := recover(); p != nil { // bleve's parser must never take the server down
			q, phones, err = nil, nil, &QueryError{Query: req.Query, Err: fmt.Errorf("%v", p)}
		}
	}()
	region := ""
	if c := req.Filters[FieldCountry]; len(c) == 1 {
		region = strings.ToUpper(c[0])
	}
	text, phones := rewritePhones(req.Query, region)
	main, perr := parseQuery(x.b.Mapping(), text)
	var be *budgetError
	if errors.As(perr, &be) {
		return nil, nil, &QueryError{Query: req.Query, Err: be, budget: true}
	}
	if perr != nil {
		return nil, nil, &QueryError{Query: req.Query, Err: perr}
	}
	clauses := []query.Query{main}
	fields := make([]string, 0, len(req.Filters))
	for f := range req.Filters {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		vals := req.Filters[f]
		if len(vals) == 0 {
			continue
		}
		if !isKeyword(f) {
			return nil, nil, &QueryError{Query: req.Query, Err: fmt.Errorf("cannot filter on %q (filters: %s)", f, strings.Join(KeywordFields, ", "))}
		}
		var any []query.Query
		for _, v := range vals {
			tq := query.NewTermQuery(strings.ToLower(strings.TrimSpace(v)))
			tq.SetField(f)
			any = append(any, tq)
		}
		clauses = append(clauses, disjunction(any))
	}
	if req.IDs != nil {
		clauses = append(clauses, query.NewDocIDQuery(req.IDs))
	}
	if len(clauses) == 1 && len(req.ExcludeIDs) == 0 {
		return main, phones, nil
	}
	b := query.NewBooleanQuery(clauses, nil, nil)
	if len(req.ExcludeIDs) > 0 {
		b.AddMustNot(query.NewDocIDQuery(req.ExcludeIDs))
	}
	return b, phones, nil
}

// Search runs a search within the query budget: a query that cannot be
// parsed, or that would read every word of the index (a leading wildcard,
// a wildcard over more than MaxExpansion words), or a page beyond
// MaxWindow returns an error of kind errs.Invalid wrapping a *QueryError.
// The search stops when ctx ends or after the index's query timeout (then
// the error wraps ErrTimeout).
func (x *Index) Search(ctx context.Context, req Request) (Response, error) {
	q, phones, err := x.BuildQuery(req)
	if err != nil {
		return Response{}, errs.E("search", errs.Invalid, err)
	}
	size := req.Size
	if size <= 0 {
		size = 20
	}
	if size > MaxPageSize {
		size = MaxPageSize
	}
	from := req.From
	if from < 0 {
		from = 0
	}
	if from+size > MaxWindow {
		return Response{}, errs.E("search", errs.Invalid, &QueryError{Query: req.Query, budget: true,
			Err: fmt.Errorf("only the first %d results can be paged through; narrow the search or change the order", MaxWindow)})
	}
	parent := ctx
	ctx, cancel := queryContext(ctx, x.queryTimeout())
	defer cancel()
	sr := bleve.NewSearchRequestOptions(q, size, from, false)
	sr.Fields = []string{fieldRaw}
	sr.IncludeLocations = req.Highlight
	switch req.Sort {
	case SortScore:
		sr.SortBy([]string{"-" + FieldScore, "-_score"})
	case SortDate:
		sr.SortBy([]string{"-" + FieldPosted})
	case SortOldest:
		sr.SortBy([]string{FieldPosted})
	case SortRelevance, "":
		sr.SortBy([]string{"-_score"})
	default:
		return Response{}, errs.E("search", errs.Invalid, fmt.Sprintf("unknown sort %q (relevance, score, date, oldest)", req.Sort))
	}
	facets := req.Facets
	if facets == nil {
		facets = DefaultFacets
	}
	fsize := req.FacetSize
	if fsize <= 0 {
		fsize = 10
	}
	for _, f := range facets {
		if !isKeyword(f) {
			return Response{}, errs.E("search", errs.Invalid, fmt.Sprintf("cannot facet on %q", f))
		}
	}
	key := facetKey(req, facets, fsize)
	cached, haveFacets := x.facets.get(key)
	if !haveFacets {
		for _, f := range facets {
			sr.AddFacet(f, bleve.NewFacetRequest(f, fsize))
		}
	}
	res, err := x.b.SearchInContext(ctx, sr)
	if err != nil {
		if parent.Err() != nil {
			return Response{}, errs.E("search", errs.IO, parent.Err())
		}
		if errors.Is(context.Cause(ctx), ErrTimeout) {
			return Response{}, errs.E("search", errs.IO, ErrTimeout)
		}
		return Response{}, errs.E("search", errs.Invalid, &QueryError{Query: req.Query, Err: err})
	}
	out := Response{Total: res.Total, Took: res.Took, Phones: phones, Hits: make([]Hit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, makeHit(h, req.Highlight))
	}
	if haveFacets {
		out.Facets = cached.facets
		return out, nil
	}
	for _, f := range facets {
		fr := res.Facets[f]
		if fr == nil {
			continue
		}
		fc := Facet{Field: f, Other: fr.Other}
		if fr.Terms != nil {
			for _, t := range fr.Terms.Terms() {
				fc.Terms = append(fc.Terms, FacetTerm{Term: displayTerm(f, t.Term), Count: t.Count})
			}
		}
		out.Facets = append(out.Facets, fc)
	}
	if len(facets) > 0 {
		x.facets.put(key, cachedFacets{total: res.Total, facets: out.Facets})
	}
	return out, nil
}

// displayTerm restores the case of values that the index lower-cases.
func displayTerm(field, term string) string {
	switch field {
	case FieldCountry, FieldWeek:
		return strings.ToUpper(term)
	}
	return term
}

func makeHit(h *search.DocumentMatch, highlight bool) Hit {
	hit := Hit{ID: h.ID, Relevance: h.Score, Indicators: []string{}}
	raw, _ := h.Fields[fieldRaw].(string)
	r, err := decodeRaw([]byte(raw))
	if err != nil {
		return hit
	}
	hit.Score, hit.Level, hit.Kind, hit.Language = r.Score, r.Level, r.Kind, r.Language
	for _, ind := range r.Indicators {
		if !slices.Contains(hit.Indicators, ind.ID) {
			hit.Indicators = append(hit.Indicators, ind.ID)
		}
	}
	if l := r.Listing; l != nil {
		hit.Title, hit.Source, hit.Country, hit.Posted = l.Title, l.Source, strings.ToUpper(l.Country), l.PostedAt
		if hit.Kind == "" {
			hit.Kind = l.Kind
		}
		if highlight {
			body := l.Body
			if body == "" && l.HTML != "" {
				body = corpus.TextFromHTML(l.HTML)
			}
			for _, f := range []struct{ name, text string }{{FieldTitle, l.Title}, {FieldBody, body}, {FieldEmployer, l.Employer}} {
				if s, ok := snippet(f.name, f.text, h.Locations[f.name]); ok {
					hit.Snippets = append(hit.Snippets, s)
				}
			}
			if len(hit.Snippets) == 0 && body != "" {
				hit.Snippets = append(hit.Snippets, Snippet{Field: FieldBody, Parts: []Part{{Text: clip(body, 0, snippetLen)}}})
			}
		}
	}
	return hit
}

const snippetLen = 240

// snippet cuts a window of text around the first matched words and marks
// every match inside it. Offsets come from the index and are checked
// against the text.
func snippet(field, text string, tl search.TermLocationMap) (Snippet, bool) {
	type span struct{ s, e int }
	var spans []span
	for _, locs := range tl {
		for _, l := range locs {
			s, e := int(l.Start), int(l.End)
			if s < 0 || e > len(text) || s >= e || !utf8.RuneStart(text[s]) || (e < len(text) && !utf8.RuneStart(text[e])) {
				continue
			}
			spans = append(spans, span{s, e})
		}
	}
	if len(spans) == 0 {
		return Snippet{}, false
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].s < spans[j].s })
	// Words of one phrase read better as one mark.
	merged := spans[:1]
	for _, sp := range spans[1:] {
		last := &merged[len(merged)-1]
		if sp.s <= last.e {
			last.e = max(last.e, sp.e)
			continue
		}
		if gap := text[last.e:sp.s]; len(gap) <= 5 && strings.HasPrefix(gap, " ") && strings.HasSuffix(gap, " ") &&
			!strings.ContainsAny(gap, "\n.,;:!?") {
			last.e = sp.e
			continue
		}
		merged = append(merged, sp)
	}
	spans = merged
	start := 0
	if field != FieldTitle {
		start = runeStart(text, spans[0].s-snippetLen/4)
	}
	end := len(text)
	if field != FieldTitle && end-start > snippetLen {
		end = runeStart(text, start+snippetLen)
	}
	var parts []Part
	pos := start
	if start > 0 {
		parts = append(parts, Part{Text: "…"})
	}
	for _, sp := range spans {
		if sp.s < pos || sp.e > end {
			continue
		}
		if sp.s > pos {
			parts = append(parts, Part{Text: text[pos:sp.s]})
		}
		parts = append(parts, Part{Text: text[sp.s:sp.e], Mark: true})
		pos = sp.e
	}
	if pos < end {
		parts = append(parts, Part{Text: text[pos:end]})
	}
	if end < len(text) {
		parts = append(parts, Part{Text: "…"})
	}
	return Snippet{Field: field, Parts: parts}, true
}

// runeStart moves i back to the start of the rune that holds it, clamped to
// the text.
func runeStart(text string, i int) int {
	if i <= 0 {
		return 0
	}
	if i >= len(text) {
		return len(text)
	}
	for i > 0 && !utf8.RuneStart(text[i]) {
		i--
	}
	return i
}

func clip(text string, start, n int) string {
	end := runeStart(text, start+n)
	if end < len(text) {
		return text[start:end] + "…"
	}
	return text[start:end]
}
