package synth

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/redthread/redthread/corpus"
)

// FamilyOptions shape a template benchmark (WriteFamilies).
type FamilyOptions struct {
	N         int     // listings
	Seed      uint64  // same seed, same file
	Share     float64 // share of listings in repost families (0.3)
	MaxFamily int     // families have 2..MaxFamily members (20)
	// Big is the size of one big family (a text reposted that many times);
	// 0: none. It counts towards Share.
	Big int
	// NoContact is the share of families whose copies carry no contact at
	// all (0.5); the other families' copies carry a phone each (changed
	// per copy) or the family's phone.
	NoContact float64
	// Switchboard is how many unrelated listings (other kinds, languages,
	// sites) carry one agency number.
	Switchboard int
	Bytes       int // body size (1500)
	// Clean, when set, says whether a sentence of base carries no contact
	// (a benchmark passes its extractor: obfuscated numbers and e-mails
	// are beyond contactLike). Sentences it rejects are left out.
	Clean func(sentence string) bool
}

// Listing IDs say what a listing is, for scoring a benchmark:
// "fam<F>-<J>" is copy J of family F (family 0 is the big one when
// FamilyOptions.Big > 0; FamilyIDNoContact marks families without
// contacts: "famN<F>-<J>"), "sw-<I>" carries the switchboard number,
// "one-<I>" is a listing of its own.
const (
	FamilyIDPrefix    = "fam"
	FamilyIDNoContact = "famN"
	SwitchboardPrefix = "sw-"
	SwitchboardPhone  = "+44 20 7946 0555"
)

var (
	firstNames = []string{"Anna", "Mira", "Jenny", "Sofia", "Lena", "Nika", "Eva", "Dana", "Katya", "Lola", "Alina", "Maria", "Bianca", "Elena", "Daria", "Vera", "Olga", "Irina", "Sara", "Nina"}
	cities     = []string{"Leeds", "York", "Hull", "Bath", "Bristol", "Cardiff", "Glasgow", "Dublin", "Lyon", "Porto", "Milan", "Krakow", "Vienna", "Prague", "Munich", "Hamburg", "Madrid", "Seville", "Athens", "Sofia"}
	kinds      = []string{"job", "escort"}
)

// WriteFamilies writes opt.N listings as JSON Lines: repost families made
// from the texts of base (each family one text of random sentences; each
// copy with a few words edited, two sentences swapped, its own name, city
// and price, and a phone of its own, the family's phone or no contact),
// listings of their own, and a switchboard number on unrelated listings.
// Sentences of base that carry contacts (digits, @, messenger names) are
// left out, so a copy without a contact has none.
func WriteFamilies(w io.Writer, base []*corpus.Listing, opt FamilyOptions) error {
	if opt.Bytes <= 0 {
		opt.Bytes = 1500
	}
	if opt.MaxFamily < 2 {
		opt.MaxFamily = 20
	}
	sentences, err := sentencePool(base, opt.Clean)
	if err != nil {
		return err
	}
	var vocab []string
	for _, s := range sentences {
		for _, wd := range strings.Fields(s) {
			if len(wd) > 3 && !strings.ContainsAny(wd, "0123456789") {
				vocab = append(vocab, strings.Trim(wd, ".,;:!?\"'()"))
			}
		}
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 17))
	// Which listing is what: family (>= 0), switchboard (-2) or its own (-1).
	role := make([]int32, opt.N)
	for i := range role {
		role[i] = -1
	}
	perm := rng.Perm(opt.N)
	next, fams := 0, int32(0)
	var famSize []int
	if opt.Big >= 2 && opt.Big <= opt.N {
		for _, p := range perm[:opt.Big] {
			role[p] = 0
		}
		next, fams = opt.Big, 1
		famSize = append(famSize, opt.Big)
	}
	for float64(next) < opt.Share*float64(opt.N) && next < opt.N-1 {
		size := min(2+rng.IntN(opt.MaxFamily-1), opt.N-next)
		for _, p := range perm[next : next+size] {
			role[p] = fams
		}
		next += size
		fams++
		famSize = append(famSize, size)
	}
	for _, p := range perm[next:min(opt.N, next+opt.Switchboard)] {
		role[p] = -2
	}
	perm = nil
	noContact := make([]bool, fams)
	for f := range noContact {
		noContact[f] = rng.Float64() < opt.NoContact
	}
	seq := make([]int, fams)
	bw := bufio.NewWriterSize(w, 1<<20)
	for i := range opt.N {
		var l corpus.Listing
		l.PostedAt = fmt.Sprintf("2026-%02d-%02dT10:00:00Z", 1+i%12, 1+i%28)
		switch f := role[i]; {
		case f >= 0:
			frng := rand.New(rand.NewPCG(opt.Seed, uint64(f)+1<<40)) // the family's text and phone
			sents := sentenceList(frng, sentences, opt.Bytes)
			famPhone := fmt.Sprintf("+44 7700 %06d", frng.IntN(1_000_000))
			l.Kind = kinds[frng.IntN(len(kinds))]
			site := frng.IntN(20)
			prefix := FamilyIDPrefix
			if noContact[f] {
				prefix = FamilyIDNoContact
			}
			l.ID = fmt.Sprintf("%s%d-%d", prefix, f, seq[f])
			seq[f]++
			l.Source = fmt.Sprintf("site-%02d", site+rng.IntN(3)) // reposted on up to three sites
			city := cities[rng.IntN(len(cities))]
			l.Location = city
			// Copy edits: two sentences swapped, ~2% of words replaced.
			if len(sents) > 2 {
				a, b := rng.IntN(len(sents)), rng.IntN(len(sents))
				sents[a], sents[b] = sents[b], sents[a]
			}
			body := strings.Join(sents, " ")
			words := strings.Fields(body)
			for range max(1, len(words)/50) {
				words[rng.IntN(len(words))] = vocab[rng.IntN(len(vocab))]
			}
			var b strings.Builder
			fmt.Fprintf(&b, "My name is %s, new in %s. ", firstNames[rng.IntN(len(firstNames))], city)
			b.WriteString(strings.Join(words, " "))
			fmt.Fprintf(&b, " Rates from %d EUR.", 50+10*rng.IntN(20))
			if !noContact[f] {
				if rng.IntN(2) == 0 {
					fmt.Fprintf(&b, " Call %s.", famPhone)
				} else {
					fmt.Fprintf(&b, " Call +44 7%09d.", rng.IntN(1_000_000_000))
				}
			}
			l.Body = b.String()
		case f == -2:
			l.ID = fmt.Sprintf("%s%d", SwitchboardPrefix, i)
			l.Kind = kinds[rng.IntN(len(kinds))]
			l.Source = fmt.Sprintf("site-%02d", rng.IntN(40))
			l.Body = strings.Join(sentenceList(rng, sentences, opt.Bytes), " ") + " Agency line " + SwitchboardPhone + "."
		default:
			l.ID = fmt.Sprintf("one-%d", i)
			l.Kind = kinds[rng.IntN(len(kinds))]
			l.Source = fmt.Sprintf("site-%02d", rng.IntN(40))
			l.Location = cities[rng.IntN(len(cities))]
			l.Body = strings.Join(sentenceList(rng, sentences, opt.Bytes), " ")
			if rng.IntN(10) < 7 {
				l.Body += fmt.Sprintf(" Call +44 7%09d.", rng.IntN(1_000_000_000))
			}
		}
		bs, err := corpus.MarshalJSONLine(&l)
		if err != nil {
			return err
		}
		if _, err := bw.Write(bs); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// sentencePool returns the sentences of base's bodies longer than 20 bytes
// that carry no contact and pass clean (nil: all).
func sentencePool(base []*corpus.Listing, clean func(string) bool) ([]string, error) {
	var sentences []string
	for _, l := range base {
		for _, s := range strings.FieldsFunc(l.Body, func(r rune) bool { return r == '.' || r == '!' || r == '?' || r == '\n' }) {
			if s = strings.TrimSpace(s); len(s) > 20 && !contactLike(s) && (clean == nil || clean(s)) {
				sentences = append(sentences, s+".")
			}
		}
	}
	if len(sentences) == 0 {
		return nil, fmt.Errorf("synth: no sentences in %d base listings", len(base))
	}
	return sentences, nil
}

// sentenceList is random sentences up to n bytes.
func sentenceList(rng *rand.Rand, sentences []string, n int) []string {
	var out []string
	size := 0
	for size < n {
		s := sentences[rng.IntN(len(sentences))]
		out = append(out, s)
		size += len(s) + 1
	}
	return out
}

// contactLike reports whether a sentence may carry a contact.
func contactLike(s string) bool {
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	if digits >= 4 || strings.Contains(s, "@") {
		return true
	}
	ls := strings.ToLower(s)
	for _, m := range []string{"whatsapp", "telegram", "viber", "signal", "snap", "kik", "wechat", "skype", "insta", "line", "www", "http", ".com", "e-mail", "email", "mail",
		"[at]", "(at)", "{at}", " at ", "[dot]", "(dot)", " dot "} {
		if strings.Contains(ls, m) {
			return true
		}
	}
	return false
}
