package indicators

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/redthread/redthread/corpus"
)

// StructureFeatures describe a listing by its fields and layout rather
// than its words: what is missing is often the signal. Fraudulent and
// deceptive job ads name no company and describe none, have no duties
// section, and offer only perks.
type StructureFeatures struct {
	EmployerName      bool `expr:"employer_name"`       // the employer field names someone (not "private", not a vague phrase)
	EmployerInfo      bool `expr:"employer_info"`       // the ad carries a company profile
	EmployerInfoWords int  `expr:"employer_info_words"` // its length in words
	Contacts          int  `expr:"contacts"`            // contact strings given in the contacts field
	MaskedContacts    int  `expr:"masked_contacts"`     // placeholders where a site hid a contact ("[email protected]", "#EMAIL_…#")
	Duties            bool `expr:"duties"`              // a duties or requirements section: a heading or a list of 3+ items
	ListItems         int  `expr:"list_items"`          // lines that are list items (•, -, *, 1.)
	Headings          int  `expr:"headings"`            // short lines ending in ':' or section headings
	PayInTitle        bool `expr:"pay_in_title"`        // the title states the pay
	WorkInTitle       bool `expr:"work_in_title"`       // the title names the work (a sector word: "strawberry picking")
}

// countMasked counts the markers of d.masked in s (case-insensitively);
// a text without any of their first bytes is skipped at once.
func (d *listingData) countMasked(s string) int {
	n := 0
	for i := strings.IndexAny(s, d.maskedFirst); i >= 0 && i < len(s); {
		for _, m := range d.masked {
			if len(s)-i >= len(m) && strings.EqualFold(s[i:i+len(m)], m) {
				n++
				break
			}
		}
		j := strings.IndexAny(s[i+1:], d.maskedFirst)
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return n
}

// structure fills f.Structure and f.Fields from the listing's fields and
// layout. It runs after terms, contacts and pay.
func (x *Extractor) structure(f *Features, l *corpus.Listing) {
	s := &f.Structure
	name := strings.TrimSpace(l.Employer)
	s.EmployerName = name != "" && !vagueName(f, name)
	info := strings.TrimSpace(l.EmployerInfo)
	s.EmployerInfo = info != ""
	s.EmployerInfoWords = countWords(info)
	s.Contacts = len(l.Contacts)
	s.MaskedContacts = x.data.countMasked(l.Body) + x.data.countMasked(l.EmployerInfo)
	for _, c := range l.Contacts {
		s.MaskedContacts += x.data.countMasked(c)
	}
	layout(l.Body, s)
	s.Duties = s.Headings > 0 && s.ListItems >= 2 || s.ListItems >= 3 || f.Terms["spec.tasks"] > 0 && s.ListItems >= 2
	for tag := range f.Terms {
		if strings.HasPrefix(tag, "sector.") {
			for _, sp := range f.Spans["terms:"+tag] {
				if sp.Field == "title" {
					s.WorkInTitle = true
				}
			}
		}
	}
	for _, sp := range f.Spans["pay"] {
		if sp.Field == "title" {
			s.PayInTitle = true
		}
	}
	for k, raw := range l.Fields {
		if v, ok := scalar(raw); ok {
			if f.Fields == nil {
				f.Fields = make(map[string]any, len(l.Fields))
			}
			f.Fields[k] = v
		}
	}
}

// scalar decodes a site field that is a string, number, boolean or null;
// objects and arrays are left out (rules compare scalars, and decoding a
// large nested field for every listing would cost the scan).
func scalar(raw json.RawMessage) (any, bool) {
	b := bytes.TrimSpace(raw)
	if len(b) == 0 {
		return nil, false
	}
	switch c := b[0]; {
	case c == '"':
		var s string
		if json.Unmarshal(b, &s) != nil {
			return nil, false
		}
		return s, true
	case c == 't' && string(b) == "true":
		return true, true
	case c == 'f' && string(b) == "false":
		return false, true
	case c == 'n' && string(b) == "null":
		return nil, true
	case c == '-' || c >= '0' && c <= '9':
		v, err := strconv.ParseFloat(string(b), 64)
		return v, err == nil
	}
	return nil, false
}

// layout counts list items and headings in the body's lines.
func layout(body string, s *StructureFeatures) {
	for line := range strings.Lines(body) {
		t := strings.TrimSpace(line)
		if t == "" {
			continue
		}
		if listItem(t) {
			s.ListItems++
			continue
		}
		if strings.HasSuffix(t, ":") && countWords(t) <= 5 {
			s.Headings++
		}
	}
}

// listItem reports whether a trimmed line starts like a list item:
// a bullet, a dash or star, or a number or letter followed by "." or ")".
func listItem(t string) bool {
	for _, b := range []string{"•", "-", "*", "–", "—", "·", "▪", "►", "✔", "✓", "✅", "☑", "◦", "‣", "●", "■", "→", "+"} {
		if rest, ok := strings.CutPrefix(t, b); ok && len(rest) > 1 && (len(b) > 1 || rest[0] == ' ') {
			return true // ASCII bullets need a space after them: "-5 degrees" is no list
		}
	}
	i := 0
	for i < len(t) && i < 3 && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i == 0 && len(t) > 2 && (t[0] >= 'a' && t[0] <= 'h') {
		i = 1
	}
	return i > 0 && i+1 < len(t) && (t[i] == '.' || t[i] == ')') && t[i+1] == ' '
}
