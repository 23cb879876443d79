package links

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/redthread/redthread/corpus"
)

// Template families: the listings linked by copied text
// (network.template_text and network.repost), as an analyst reads them —
// the common text with slots where the copies differ, and each slot's
// values across the family. The members' bodies come from the results
// (scan --embed-listing); they are aligned word by word (longest common
// subsequence) against one reference member, which is a multiple
// alignment star-wise: no model, no training.

// TemplateFamily is one family of listings with copied text.
type TemplateFamily struct {
	Size    int      `json:"size"`
	Members []string `json:"members"` // sorted listing IDs
	// Aligned is how many members' bodies were aligned (the others' texts
	// were not in the results: scan without --embed-listing, or members
	// known only as link targets).
	Aligned int `json:"aligned"`
	// Reference is the member every other body was aligned against (the
	// aligned member of median length).
	Reference string `json:"reference,omitempty"`
	// Template is the reference's text with each slot as [[slot N]].
	Template  string   `json:"template,omitempty"`
	Slots     []Slot   `json:"slots,omitempty"`
	Sites     []string `json:"sites,omitempty"`
	FirstSeen string   `json:"first_seen,omitempty"`
	LastSeen  string   `json:"last_seen,omitempty"`
}

// Slot is a place in a template where the copies differ.
type Slot struct {
	Slot int `json:"slot"` // N of [[slot N]]
	// Kind is what the values mostly are: name, contact, location, price,
	// age, number or text.
	Kind     string      `json:"kind"`
	Distinct int         `json:"distinct"` // distinct values, the empty one included
	Empty    int         `json:"empty,omitempty"`
	Unread   int         `json:"unread,omitempty"` // members whose copy lacks the words around the slot
	Values   []SlotValue `json:"values"`           // most common first, at most Params.Family.SlotValues
}

// SlotValue is one value of a slot and how many members have it.
type SlotValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// word is a word of a body: its comparison key and byte range.
type word struct {
	key        string
	start, end int
}

// words splits a body into words (runs of letters and digits),
// lower-cased, at most max. A phone-like run — digits with spaces, dots,
// dashes, slashes or brackets between, seven digits or more — is one word,
// so that a changed number is one slot value.
func words(s string, max int) []word {
	var out []word
	start := -1
	for i := 0; i < len(s) && len(out) < max; {
		r, n := utf8.DecodeRuneInString(s[i:])
		if start < 0 && (r == '+' || r >= '0' && r <= '9') {
			if end := phoneRun(s, i); end > i {
				out = append(out, word{s[i:end], i, end})
				i = end
				continue
			}
		}
		in := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			out = append(out, word{strings.ToLower(s[start:i]), start, i})
			start = -1
		}
		i += n
	}
	if start >= 0 && len(out) < max {
		out = append(out, word{strings.ToLower(s[start:]), start, len(s)})
	}
	return out
}

// phoneRun returns the end of a phone-like run starting at i (a '+' or a
// digit at a word start), or i when there is none.
func phoneRun(s string, i int) int {
	if i > 0 {
		if r, _ := utf8.DecodeLastRuneInString(s[:i]); unicode.IsLetter(r) || unicode.IsDigit(r) {
			return i
		}
	}
	digits, end := 0, i
	for j := i; j < len(s); j++ {
		c := s[j]
		switch {
		case c >= '0' && c <= '9':
			digits++
			end = j + 1
		case c == ' ' || c == '.' || c == '-' || c == '/' || c == '(' || c == ')' || (c == '+' && j == i):
		default:
			j = len(s)
		}
	}
	if digits < 7 {
		return i
	}
	if end < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[end:]); unicode.IsLetter(r) {
			return i
		}
	}
	return end
}

// align returns, for each word of ref, the index of the word of b it is
// matched with in a longest common subsequence (-1: none).
func align(ref, b []word, buf *[]uint16) []int32 {
	n, m := len(ref), len(b)
	// dp[i][j] = LCS of ref[i:], b[j:]; uint16 is enough for max_words.
	w := m + 1
	if cap(*buf) < (n+1)*w {
		*buf = make([]uint16, (n+1)*w)
	}
	dp := (*buf)[:(n+1)*w]
	clear(dp[n*w:]) // the last row; every other cell is written before it is read
	for i := range n {
		dp[i*w+m] = 0
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if ref[i].key == b[j].key {
				dp[i*w+j] = dp[(i+1)*w+j+1] + 1
			} else {
				dp[i*w+j] = max(dp[(i+1)*w+j], dp[i*w+j+1])
			}
		}
	}
	out := make([]int32, n)
	for i := range out {
		out[i] = -1
	}
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case ref[i].key == b[j].key:
			out[i] = int32(j)
			i++
			j++
		case dp[(i+1)*w+j] >= dp[i*w+j+1]:
			i++
		default:
			j++
		}
	}
	return out
}

// member is an aligned member of a family.
type member struct {
	id    string
	res   *corpus.Result
	body  string
	words []word
	at    []int32 // reference word -> this member's word
}

// family aligns the members of one family (results may be nil for
// members known only as link targets).
func (p Params) family(ids []string, results []*corpus.Result) TemplateFamily {
	tf := TemplateFamily{Size: len(ids)}
	var ms []*member
	sites := map[string]bool{}
	for i, id := range ids {
		tf.Members = append(tf.Members, id)
		r := results[i]
		if r == nil {
			continue
		}
		if s := strings.TrimSpace(r.Source); s != "" {
			sites[s] = true
		}
		if t := strings.TrimSpace(r.PostedAt); t != "" {
			if tf.FirstSeen == "" || t < tf.FirstSeen {
				tf.FirstSeen = t
			}
			tf.LastSeen = max(tf.LastSeen, t)
		}
		if r.Listing == nil || strings.TrimSpace(r.Listing.Body) == "" {
			continue
		}
		body := r.Listing.Body
		ms = append(ms, &member{id: id, res: r, body: body, words: words(body, p.Family.MaxWords)})
	}
	slices.Sort(tf.Members)
	tf.Sites = sortedKeys(sites)
	tf.Aligned = len(ms)
	if len(ms) < 2 {
		return tf
	}
	// The reference: the member of median length (then by ID).
	slices.SortFunc(ms, func(a, b *member) int {
		if c := cmp.Compare(len(a.words), len(b.words)); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	ref := ms[len(ms)/2]
	tf.Reference = ref.id
	have := make([]int, len(ref.words))
	var buf []uint16
	for _, m := range ms {
		if m == ref {
			m.at = make([]int32, len(ref.words))
			for i := range m.at {
				m.at[i] = int32(i)
			}
		} else {
			m.at = align(ref.words, m.words, &buf)
		}
		for i, j := range m.at {
			if j >= 0 {
				have[i]++
			}
		}
	}
	// Template words: those most members have.
	var kept []int
	for i, c := range have {
		if float64(c) >= p.Family.KeepShare*float64(len(ms)) {
			kept = append(kept, i)
		}
	}
	// Gaps around and between template words; a gap where the copies
	// differ is a slot.
	var tpl strings.Builder
	prevEnd := 0 // byte offset in the reference after the last template word written
	for g := 0; g <= len(kept); g++ {
		a, b := -1, len(ref.words) // template words around gap g
		if g > 0 {
			a = kept[g-1]
		}
		if g < len(kept) {
			b = kept[g]
		}
		if slot, ok := p.slot(ms, a, b, len(tf.Slots)+1); ok {
			tf.Slots = append(tf.Slots, slot)
			if g > 0 {
				tpl.WriteByte(' ')
			}
			tpl.WriteString("[[slot ")
			tpl.WriteString(strconv.Itoa(slot.Slot))
			tpl.WriteString("]]")
			if g < len(kept) {
				tpl.WriteByte(' ')
			}
		} else if g > 0 && g < len(kept) {
			tpl.WriteString(ref.body[prevEnd:ref.words[b].start]) // the reference's own text between
		}
		if g < len(kept) {
			w := ref.words[b]
			tpl.WriteString(ref.body[w.start:w.end])
			prevEnd = w.end
		}
	}
	tf.Template = strings.TrimSpace(tpl.String())
	return tf
}

// slot reads the members' text between template words a and b (-1 and
// len: the start and end of the body) and returns it as a slot when the
// members differ there.
func (p Params) slot(ms []*member, a, b, n int) (Slot, bool) {
	s := Slot{Slot: n}
	counts := map[string]int{}
	kinds := map[string]int{}
	for _, m := range ms {
		from, to := 0, len(m.words) // member words in the gap: [from, to)
		if a >= 0 {
			if m.at[a] < 0 {
				s.Unread++
				continue
			}
			from = int(m.at[a]) + 1
		}
		if b < len(m.at) {
			if m.at[b] < 0 {
				s.Unread++
				continue
			}
			to = int(m.at[b])
		}
		// The member's text between the template words, punctuation and
		// currency signs included, trimmed of spaces and sentence marks.
		lo, hi := 0, len(m.body)
		if from > 0 {
			lo = m.words[from-1].end
		}
		if to < len(m.words) {
			hi = m.words[to].start
		}
		if lo > hi { // unreachable: alignment keeps order
			lo = hi
		}
		v := strings.Trim(m.body[lo:hi], " \t\r\n,.;:!?\"'()")
		counts[v]++
		if v == "" {
			s.Empty++
		} else {
			kinds[valueKind(v, m.res)]++
		}
	}
	if len(counts) < 2 {
		return s, false
	}
	s.Distinct = len(counts)
	for v, c := range counts {
		s.Values = append(s.Values, SlotValue{v, c})
	}
	slices.SortFunc(s.Values, func(x, y SlotValue) int {
		if c := cmp.Compare(y.Count, x.Count); c != 0 {
			return c
		}
		return strings.Compare(x.Value, y.Value)
	})
	if len(s.Values) > p.Family.SlotValues {
		s.Values = s.Values[:p.Family.SlotValues]
	}
	s.Kind = "text"
	best := 0
	for _, k := range kindOrder {
		if kinds[k] > best {
			s.Kind, best = k, kinds[k]
		}
	}
	return s, true
}

// kindOrder breaks ties between slot kinds: the more specific first.
var kindOrder = []string{"contact", "name", "location", "price", "age", "number", "text"}

// currencyWords mark a value as a price.
var currencyWords = []string{"€", "$", "£", "eur", "euro", "usd", "gbp", "pln", "zł", "zl", "kn", "din", "rsd", "lei", "ron", "czk", "kč", "huf", "ft", "chf", "rub", "₽", "₴", "uah"}

// valueKind says what a slot value of member r's text is, from what the
// scanner extracted from it: a contact (a phone-like run of digits or an
// e-mail), one of its names, its location, a price, one of its stated
// ages, a number, or text.
func valueKind(v string, r *corpus.Result) string {
	digits := 0
	for _, c := range v {
		if c >= '0' && c <= '9' {
			digits++
		}
	}
	if digits >= 7 || strings.Contains(v, "@") {
		return "contact"
	}
	fv := fold(v)
	for _, n := range r.Entities.Names {
		if fn := fold(n); fn != "" && containsWord(fv, fn) {
			return "name"
		}
	}
	if l := r.Listing; l != nil {
		if loc := fold(l.Location); loc != "" && (containsWord(fv, loc) || containsWord(loc, fv)) {
			return "location"
		}
	}
	if digits > 0 {
		lv := strings.ToLower(v)
		for _, c := range currencyWords {
			if strings.Contains(lv, c) {
				return "price"
			}
		}
		for _, a := range r.Entities.Ages {
			if strings.TrimSpace(v) == strconv.Itoa(a) || strings.HasPrefix(strings.TrimSpace(v), strconv.Itoa(a)+" ") {
				return "age"
			}
		}
		return "number"
	}
	return "text"
}

// containsWord reports whether folded text s contains folded words w at
// word boundaries.
func containsWord(s, w string) bool {
	if w == "" {
		return false
	}
	for i := 0; ; {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		j += i
		before, _ := utf8.DecodeLastRuneInString(s[:j])
		after, _ := utf8.DecodeRuneInString(s[j+len(w):])
		if (j == 0 || before == ' ') && (j+len(w) == len(s) || after == ' ') {
			return true
		}
		i = j + 1
	}
}

// AlignFamily aligns the given results as one template family (for the
// web app's network view, which gathers a family's results from the
// index): results need their embedded listings; ones without count in
// Size but are not aligned.
func AlignFamily(p Params, results []*corpus.Result) TemplateFamily {
	ids := make([]string, len(results))
	for i, r := range results {
		ids[i] = r.ID
	}
	return p.family(ids, results)
}
