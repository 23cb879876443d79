package index

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/nyaruka/phonenumbers"
)

// nationalNumber returns the national significant number of an E.164
// phone number (the digits after the country calling code), or "" when it
// is not one. Calling codes are prefix-free, so the first known prefix is
// the code.
func nationalNumber(e164 string) string {
	if len(e164) < 5 || e164[0] != '+' {
		return ""
	}
	digits := e164[1:]
	for _, r := range digits {
		if r < '0' || r > '9' {
			return ""
		}
	}
	for l := 1; l <= 3 && l < len(digits); l++ {
		cc, _ := strconv.Atoi(digits[:l])
		if len(phonenumbers.GetRegionCodesForCountryCode(cc)) > 0 {
			return digits[l:]
		}
	}
	return ""
}

// NormalizePhone returns the E.164 form of a phone number written in any
// common format ("+44 7700 900123", "064/123-4567" with region "RS",
// "0044 7700 900123"), using region (ISO 3166-1 alpha-2) for national
// numbers. ok is false when s is not a possible phone number.
func NormalizePhone(s, region string) (e164 string, ok bool) {
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "00") {
		s = "+" + s[2:]
	}
	if !strings.HasPrefix(s, "+") && region == "" {
		return "", false
	}
	n, err := phonenumbers.Parse(s, strings.ToUpper(region))
	if err != nil || !phonenumbers.IsPossibleNumber(n) {
		return "", false
	}
	return phonenumbers.Format(n, phonenumbers.E164), true
}

func isPhoneChar(r rune) bool {
	return r >= '0' && r <= '9' || strings.ContainsRune("+()-./", r)
}

func phoneToken(tok string) bool {
	if tok == "" {
		return false
	}
	digit := false
	for _, r := range tok {
		if !isPhoneChar(r) {
			return false
		}
		digit = digit || r >= '0' && r <= '9'
	}
	return digit
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// splitQuery splits a query string at spaces outside double quotes.
func splitQuery(q string) []string {
	var out []string
	var b strings.Builder
	inQuote, esc := false, false
	for _, r := range q {
		switch {
		case esc:
			esc = false
		case r == '\\':
			esc = true
		case r == '"':
			inQuote = !inQuote
		case !inQuote && (r == ' ' || r == '\t' || r == '\n' || r == '\r'):
			if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
			continue
		}
		b.WriteRune(r)
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

var countryTerm = regexp.MustCompile(`(?i)^\+?country:"?([a-z]{2})"?$`)

// rewritePhones replaces runs of words that together are a phone number
// with a contacts: clause. region is the country filter, if any; a
// country:XX clause in the query also sets it. It returns the rewritten
// query and the numbers found.
func rewritePhones(q, region string) (string, []string) {
	toks := splitQuery(q)
	if region == "" {
		for _, t := range toks {
			if m := countryTerm.FindStringSubmatch(t); m != nil {
				region = strings.ToUpper(m[1])
			}
		}
	}
	var out, phones []string
	for i := 0; i < len(toks); {
		if !phoneToken(toks[i]) {
			out = append(out, toks[i])
			i++
			continue
		}
		j := i
		for j < len(toks) && phoneToken(toks[j]) {
			j++
		}
		// Longest run first, so "+44 7700 900123" is one number.
		matched := false
		for k := j; k > i && !matched; k-- {
			run := strings.Join(toks[i:k], " ")
			nd := countDigits(run)
			if nd < 7 || nd > 15 {
				continue
			}
			lead := strings.TrimLeft(run, "(")
			if !strings.HasPrefix(lead, "+") && !strings.HasPrefix(lead, "0") {
				continue // "2025" or "3000" are not phone numbers
			}
			if e, ok := NormalizePhone(run, region); ok {
				out = append(out, fmt.Sprintf("+%s:%q", FieldContacts, e))
				phones = append(phones, e)
				i, matched = k, true
			} else if region == "" && strings.HasPrefix(lead, "0") && !strings.HasPrefix(lead, "00") {
				// A national number without a country: match the national
				// significant number in any country.
				nsn := strings.TrimLeft(digitsOf(run), "0")
				if len(nsn) >= 6 {
					out = append(out, fmt.Sprintf("+%s:%q", FieldContacts, nsn))
					phones = append(phones, nsn)
					i, matched = k, true
				}
			}
		}
		if !matched {
			out = append(out, toks[i])
			i++
		}
	}
	return strings.Join(out, " "), phones
}

func digitsOf(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// parseQuery turns a query string into a bleve query: words without a field
// are searched in every text field, words in text fields match in every
// language's analysis, keyword values are lower-cased, and every clause is
// required unless it is explicitly excluded ("-word").
func parseQuery(m mapping.IndexMapping, q string) (query.Query, error) {
	if strings.TrimSpace(q) == "" {
		return query.NewMatchAllQuery(), nil
	}
	parsed, err := query.NewQueryStringQuery(q).Parse()
	if err != nil {
		return nil, err
	}
	rw := &rewriter{m: m}
	out := rw.rewrite(parsed, true)
	if rw.err != nil {
		return nil, rw.err
	}
	if out == nil {
		return query.NewMatchAllQuery(), nil
	}
	return out, nil
}

type rewriter struct {
	m      mapping.IndexMapping
	err    error // the first clause over the query budget
	leaves int   // clauses seen
}

// MaxClauses caps the words, phrases and patterns of one query: each is
// searched in every text field and language analysis.
const MaxClauses = 64

// Query budget: a wildcard, prefix or regexp clause must start with this
// many literal characters (on keyword fields, whose values are few, one),
// so that it never walks every word of the index. A clause that is only
// "*" matches everything: it is a browse, not a scan of every term. How
// many words one clause may expand to is capped by MaxExpansion.
const (
	MinWildcardPrefix        = 2
	MinKeywordWildcardPrefix = 1
)

// budgetError is a clause the query budget refuses, with why.
type budgetError struct{ msg string }

func (e *budgetError) Error() string { return e.msg }

func (rw *rewriter) refuse(format string, args ...any) query.Query {
	if rw.err == nil {
		rw.err = &budgetError{msg: fmt.Sprintf(format, args...)}
	}
	return query.NewMatchNoneQuery()
}

// minPrefix is the literal prefix a pattern on field needs.
func minPrefix(field string) int {
	if isKeyword(field) {
		return MinKeywordWildcardPrefix
	}
	return MinWildcardPrefix
}

// wildcardPrefix returns the literal characters before the first * or ?.
func wildcardPrefix(w string) string {
	if i := strings.IndexAny(w, "*?"); i >= 0 {
		return w[:i]
	}
	return w
}

func isMatchAll(q query.Query) bool {
	_, ok := q.(*query.MatchAllQuery)
	return ok
}

// analyzers returns the analyzer names whose analysis of text differs: one
// query per distinct token list is enough. A nil result means that some
// analyzer drops the text entirely (a stop word).
func (rw *rewriter) analyzers(text string) (names []string, stop bool) {
	seen := map[string]bool{}
	for _, a := range append([]string{neutralAnalyzer}, analyzerSet()...) {
		an := rw.m.AnalyzerNamed(a)
		if an == nil {
			continue
		}
		toks := an.Analyze([]byte(text))
		if len(toks) == 0 {
			stop = true
			continue
		}
		var key strings.Builder
		for _, t := range toks {
			key.Write(t.Term)
			key.WriteByte(0)
		}
		if !seen[key.String()] {
			seen[key.String()] = true
			names = append(names, a)
		}
	}
	return names, stop
}

func analyzerSet() []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range languages {
		a := analyzerFor(l)
		if !seen[a] {
			seen[a] = true
			out = append(out, a)
		}
	}
	return out
}

func textFieldsFor(field string) []string {
	if field == "" || field == "_all" {
		return TextFields
	}
	return []string{field}
}

func disjunction(qs []query.Query) query.Query {
	switch len(qs) {
	case 0:
		return nil
	case 1:
		return qs[0]
	}
	return query.NewDisjunctionQuery(qs)
}

func boost(q query.Query, b *query.Boost) {
	if b == nil {
		return
	}
	if bq, ok := q.(query.BoostableQuery); ok {
		bq.SetBoost(b.Value())
	}
}

// rewrite rewrites q. required says the clause is a required one, where a
// stop word is dropped rather than matching nothing. It returns nil for a
// clause to drop.
func (rw *rewriter) rewrite(q query.Query, required bool) query.Query {
	if _, ok := q.(*query.BooleanQuery); !ok {
		if rw.leaves++; rw.leaves > MaxClauses {
			return rw.refuse("more than %d words, phrases or patterns in one query", MaxClauses)
		}
	}
	switch q := q.(type) {
	case *query.BooleanQuery:
		seen := rw.leaves
		must, not := rw.clauses(q, true)
		if len(must) == 0 {
			// Only stop words: search for them after all.
			rw.leaves = seen
			must, not = rw.clauses(q, false)
		}
		if len(must) == 0 && len(not) == 0 {
			return query.NewMatchNoneQuery()
		}
		// "*" clauses add nothing next to others; "* *" is one browse.
		must = slices.DeleteFunc(must, isMatchAll)
		if len(must) == 0 && len(not) == 0 {
			return query.NewMatchAllQuery()
		}
		b := query.NewBooleanQuery(nil, nil, nil)
		if len(must) > 0 {
			b.AddMust(must...)
		} else {
			b.AddMust(query.NewMatchAllQuery())
		}
		if len(not) > 0 {
			b.AddMustNot(not...)
		}
		return b
	case *query.MatchQuery:
		if isKeyword(q.FieldVal) {
			return termQuery(q.FieldVal, q.Match, q.BoostVal)
		}
		if !isText(q.FieldVal) && q.FieldVal != "" {
			return q
		}
		names, stop := rw.analyzers(q.Match)
		if stop && required {
			return nil
		}
		var qs []query.Query
		for _, f := range textFieldsFor(q.FieldVal) {
			for _, a := range names {
				mq := query.NewMatchQuery(q.Match)
				mq.SetField(f)
				mq.Analyzer = a
				mq.Fuzziness = q.Fuzziness
				mq.Prefix = q.Prefix
				mq.Operator = query.MatchQueryOperatorAnd
				boost(mq, q.BoostVal)
				qs = append(qs, mq)
			}
		}
		if len(qs) == 0 {
			return query.NewMatchNoneQuery()
		}
		return disjunction(qs)
	case *query.MatchPhraseQuery:
		if isKeyword(q.FieldVal) {
			return termQuery(q.FieldVal, q.MatchPhrase, q.BoostVal)
		}
		if !isText(q.FieldVal) && q.FieldVal != "" {
			return q
		}
		names, _ := rw.analyzers(q.MatchPhrase)
		var qs []query.Query
		for _, f := range textFieldsFor(q.FieldVal) {
			for _, a := range names {
				pq := query.NewMatchPhraseQuery(q.MatchPhrase)
				pq.SetField(f)
				pq.Analyzer = a
				pq.Fuzziness = q.Fuzziness
				boost(pq, q.BoostVal)
				qs = append(qs, pq)
			}
		}
		return disjunction(qs)
	case *query.WildcardQuery:
		if strings.Trim(q.Wildcard, "*") == "" {
			return query.NewMatchAllQuery() // "*", "body:*": everything
		}
		if p := wildcardPrefix(q.Wildcard); len([]rune(p)) < minPrefix(q.FieldVal) {
			return rw.refuse("%q: a wildcard needs at least %d letters before the first * or ? (a leading wildcard would read every word in the index)", q.Wildcard, minPrefix(q.FieldVal))
		}
		return rw.perField(q.FieldVal, func(f string) query.Query {
			w := query.NewWildcardQuery(strings.ToLower(q.Wildcard))
			w.SetField(f)
			return w
		})
	case *query.PrefixQuery:
		if len([]rune(q.Prefix)) < minPrefix(q.FieldVal) {
			return rw.refuse("%q: a prefix needs at least %d letters", q.Prefix, minPrefix(q.FieldVal))
		}
		return rw.perField(q.FieldVal, func(f string) query.Query {
			p := query.NewPrefixQuery(strings.ToLower(q.Prefix))
			p.SetField(f)
			return p
		})
	case *query.RegexpQuery:
		re, err := regexp.Compile(q.Regexp)
		if err != nil {
			return rw.refuse("%q: %v", q.Regexp, err)
		}
		if p, _ := re.LiteralPrefix(); len([]rune(p)) < minPrefix(q.FieldVal) {
			return rw.refuse("/%s/: a regular expression needs at least %d literal letters at its start", q.Regexp, minPrefix(q.FieldVal))
		}
		return rw.perField(q.FieldVal, func(f string) query.Query {
			r := query.NewRegexpQuery(q.Regexp)
			r.SetField(f)
			return r
		})
	case *query.FuzzyQuery:
		return rw.perField(q.FieldVal, func(f string) query.Query {
			z := query.NewFuzzyQuery(strings.ToLower(q.Term))
			z.SetField(f)
			z.SetFuzziness(q.Fuzziness)
			return z
		})
	case *query.DateRangeStringQuery:
		if q.FieldVal == "" {
			q.FieldVal = FieldPosted
		}
		return q
	case *query.NumericRangeQuery:
		if q.FieldVal == "" {
			q.FieldVal = FieldScore
		}
		return q
	}
	return q
}

// clauses rewrites the clauses of a boolean query: required ones (every
// word is required, like a web search) and excluded ones.
func (rw *rewriter) clauses(q *query.BooleanQuery, dropStop bool) (must, not []query.Query) {
	add := func(sub query.Query, into *[]query.Query) {
		var list []query.Query
		switch s := sub.(type) {
		case *query.ConjunctionQuery:
			list = s.Conjuncts
		case *query.DisjunctionQuery:
			list = s.Disjuncts
		case nil:
		default:
			list = []query.Query{s}
		}
		for _, c := range list {
			if r := rw.rewrite(c, dropStop); r != nil {
				*into = append(*into, r)
			}
		}
	}
	add(q.Must, &must)
	add(q.Should, &must)
	add(q.MustNot, &not)
	return must, not
}

// termQuery matches a keyword field's whole value, case-insensitively.
func termQuery(field, value string, b *query.Boost) query.Query {
	tq := query.NewTermQuery(strings.ToLower(strings.TrimSpace(value)))
	tq.SetField(field)
	boost(tq, b)
	return tq
}

func (rw *rewriter) perField(field string, mk func(string) query.Query) query.Query {
	if field != "" && field != "_all" {
		return mk(field)
	}
	var qs []query.Query
	for _, f := range TextFields {
		qs = append(qs, mk(f))
	}
	return disjunction(qs)
}
