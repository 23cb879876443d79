package corpus

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// appendResult appends r as encoding/json encodes it without HTML escaping
// (field order, omitempty, number and string forms), newline included,
// without reflection. It reports false, appending nothing, for what it
// leaves to encoding/json: an embedded listing, and numbers JSON cannot
// hold (which encoding/json reports as an error).
func appendResult(b []byte, r *Result) ([]byte, bool) {
	if r.Listing != nil || !resultFloatsOK(r) {
		return b, false
	}
	if r.Revised {
		b = append(b, `{"revised":true,"id":`...)
	} else {
		b = append(b, `{"id":`...)
	}
	b = appendJSONString(b, r.ID)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, r.Kind)
	b = append(b, `,"score":`...)
	b = strconv.AppendInt(b, int64(r.Score), 10)
	b = append(b, `,"level":`...)
	b = appendJSONString(b, r.Level)
	b = append(b, `,"language":`...)
	b = appendJSONString(b, r.Language)
	for _, f := range [...]struct{ k, v string }{{`,"source":`, r.Source}, {`,"country":`, r.Country},
		{`,"posted_at":`, r.PostedAt}, {`,"url":`, r.URL}} {
		if f.v != "" {
			b = append(b, f.k...)
			b = appendJSONString(b, f.v)
		}
	}
	b = append(b, `,"indicators":`...)
	if r.Indicators == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Indicators {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendHit(b, &r.Indicators[i])
		}
		b = append(b, ']')
	}
	b = append(b, `,"contacts":`...)
	if r.Contacts == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, c := range r.Contacts {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"type":`...)
			b = appendJSONString(b, c.Type)
			b = append(b, `,"value":`...)
			b = appendJSONString(b, c.Value)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"entities":{"names":`...)
	b = appendStrings(b, r.Entities.Names)
	b = append(b, `,"ages":`...)
	if r.Entities.Ages == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, a := range r.Entities.Ages {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(a), 10)
		}
		b = append(b, ']')
	}
	b = append(b, '}')
	if len(r.Photos) > 0 {
		b = append(b, `,"photos":[`...)
		for i := range r.Photos {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPhoto(b, &r.Photos[i])
		}
		b = append(b, ']')
	}
	if r.Pay != nil {
		b = append(b, `,"pay":`...)
		b = appendPay(b, r.Pay)
	}
	if r.RulePack != "" {
		b = append(b, `,"rule_pack":`...)
		b = appendJSONString(b, r.RulePack)
	}
	if len(r.Warnings) > 0 {
		b = append(b, `,"warnings":`...)
		b = appendStrings(b, r.Warnings)
	}
	if r.Region != nil {
		b = append(b, `,"region":{"code":`...)
		b = appendJSONString(b, r.Region.Code)
		b = append(b, `,"reason":`...)
		b = appendJSONString(b, r.Region.Reason)
		b = append(b, '}')
	}
	return append(b, "}\n"...), true
}

// resultFloatsOK reports whether every float of r is finite.
func resultFloatsOK(r *Result) bool {
	finite := func(f float64) bool { return !math.IsInf(f, 0) && !math.IsNaN(f) }
	for i := range r.Indicators {
		h := &r.Indicators[i]
		if !finite(h.Weight) {
			return false
		}
		for j := range h.Evidence {
			if s := h.Evidence[j].Similarity; s != nil && !finite(*s) {
				return false
			}
		}
	}
	if p := r.Pay; p != nil && (!finite(p.Amount) || !finite(p.MonthlyEUR) || !finite(p.ReferenceEUR) ||
		!finite(p.AmountMax) || !finite(p.MonthlyEURLow) || !finite(p.HoursPerWeek) || !finite(p.HourlyEUR)) {
		return false
	}
	return true
}

func appendHit(b []byte, h *Hit) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, h.ID)
	b = append(b, `,"weight":`...)
	b = appendJSONFloat(b, h.Weight)
	if h.Rule != "" {
		b = append(b, `,"rule":`...)
		b = appendJSONString(b, h.Rule)
	}
	if h.Explanation != "" {
		b = append(b, `,"explanation":`...)
		b = appendJSONString(b, h.Explanation)
	}
	b = append(b, `,"evidence":`...)
	if h.Evidence == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range h.Evidence {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendEvidence(b, &h.Evidence[i])
		}
		b = append(b, ']')
	}
	if len(h.Linked) > 0 {
		b = append(b, `,"linked":`...)
		b = appendStrings(b, h.Linked)
	}
	return append(b, '}')
}

func appendEvidence(b []byte, e *Evidence) []byte {
	b = append(b, `{"field":`...)
	b = appendJSONString(b, e.Field)
	b = append(b, `,"start":`...)
	b = strconv.AppendInt(b, int64(e.Start), 10)
	b = append(b, `,"end":`...)
	b = strconv.AppendInt(b, int64(e.End), 10)
	b = append(b, `,"text":`...)
	b = appendJSONString(b, e.Text)
	if e.Shared != "" {
		b = append(b, `,"shared":`...)
		b = appendJSONString(b, e.Shared)
	}
	if e.Distance != nil {
		b = append(b, `,"distance":`...)
		b = strconv.AppendInt(b, int64(*e.Distance), 10)
	}
	if e.Similarity != nil {
		b = append(b, `,"similarity":`...)
		b = appendJSONFloat(b, *e.Similarity)
	}
	if e.Note != "" {
		b = append(b, `,"note":`...)
		b = appendJSONString(b, e.Note)
	}
	return append(b, '}')
}

func appendPhoto(b []byte, p *Photo) []byte {
	b = append(b, '{')
	first := true
	field := func(name string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, `":`...)
	}
	for _, f := range [...]struct{ name, v string }{{"url", p.URL}, {"path", p.Path}, {"phash", p.PHash}, {"pdq", p.PDQ}} {
		if f.v != "" {
			field(f.name)
			b = appendJSONString(b, f.v)
		}
	}
	if p.Quality != 0 {
		field("pdq_quality")
		b = strconv.AppendInt(b, int64(p.Quality), 10)
	}
	for _, f := range [...]struct{ name, v string }{{"pipeline", p.Pipeline}, {"error", p.Error}} {
		if f.v != "" {
			field(f.name)
			b = appendJSONString(b, f.v)
		}
	}
	return append(b, '}')
}

func appendPay(b []byte, p *Pay) []byte {
	b = append(b, `{"text":`...)
	b = appendJSONString(b, p.Text)
	b = append(b, `,"amount":`...)
	b = appendJSONFloat(b, p.Amount)
	if p.Currency != "" {
		b = append(b, `,"currency":`...)
		b = appendJSONString(b, p.Currency)
	}
	if p.Period != "" {
		b = append(b, `,"period":`...)
		b = appendJSONString(b, p.Period)
	}
	if p.Net {
		b = append(b, `,"net":true`...)
	}
	b = append(b, `,"monthly_eur":`...)
	b = appendJSONFloat(b, p.MonthlyEUR)
	if p.ReferenceEUR != 0 {
		b = append(b, `,"reference_eur":`...)
		b = appendJSONFloat(b, p.ReferenceEUR)
	}
	if p.Sector != "" {
		b = append(b, `,"sector":`...)
		b = appendJSONString(b, p.Sector)
	}
	if p.Reference != "" {
		b = append(b, `,"reference":`...)
		b = appendJSONString(b, p.Reference)
	}
	if p.AmountMax != 0 {
		b = append(b, `,"amount_max":`...)
		b = appendJSONFloat(b, p.AmountMax)
	}
	if p.MonthlyEURLow != 0 {
		b = append(b, `,"monthly_eur_low":`...)
		b = appendJSONFloat(b, p.MonthlyEURLow)
	}
	if p.UpTo {
		b = append(b, `,"up_to":true`...)
	}
	if p.HoursPerWeek != 0 {
		b = append(b, `,"hours_per_week":`...)
		b = appendJSONFloat(b, p.HoursPerWeek)
	}
	if p.HourlyEUR != 0 {
		b = append(b, `,"hourly_eur":`...)
		b = appendJSONFloat(b, p.HourlyEUR)
	}
	return append(b, '}')
}

func appendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, s)
	}
	return append(b, ']')
}

// appendJSONFloat formats a finite f as encoding/json does.
func appendJSONFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does without HTML escaping:
// control characters, quote and backslash escaped, invalid UTF-8 as
// \ufffd, U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
