// Package synth writes synthetic listings for benchmarks: about 2 KB of
// text each, made of sentences of the dev set in random order (sentences
// that may carry a contact left out, so listings share no contact by
// accident: the dev set's messenger handles, repeated across random
// bodies, made most listings of a large file share one), with digits
// randomized, and repost families spread over the
// whole input — listings that share a phone number and a near-identical
// text — as a linked scan meets them in real feeds.
package synth

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/redthread/redthread/corpus"
)

// Options shape the listings.
type Options struct {
	N         int     // listings
	Seed      uint64  // same seed, same file
	Family    float64 // share of listings in repost families (0.2)
	MaxFamily int     // largest family (8); families have 2..MaxFamily listings
	Bytes     int     // body size (2000)
}

// Write writes opt.N listings as JSON Lines built from the texts of base.
func Write(w io.Writer, base []*corpus.Listing, opt Options) error {
	if opt.Bytes <= 0 {
		opt.Bytes = 2000
	}
	if opt.MaxFamily < 2 {
		opt.MaxFamily = 8
	}
	sentences, err := sentencePool(base, nil)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 7))
	// Families: positions spread over the input.
	family := make([]int32, opt.N)
	for i := range family {
		family[i] = -1
	}
	perm := rng.Perm(opt.N)
	next, fams := 0, int32(0)
	for float64(next) < opt.Family*float64(opt.N) && next < opt.N-1 {
		size := min(2+rng.IntN(opt.MaxFamily-1), opt.N-next)
		for _, p := range perm[next : next+size] {
			family[p] = fams
		}
		next += size
		fams++
	}
	perm = nil
	bw := bufio.NewWriterSize(w, 1<<20)
	for i := range opt.N {
		var l corpus.Listing
		src := base[rng.IntN(len(base))]
		l.ID = fmt.Sprintf("syn-%d", i)
		l.Kind, l.Country, l.Language, l.Source = src.Kind, src.Country, src.Language, src.Source
		l.PostedAt = fmt.Sprintf("2026-%02d-%02dT10:00:00Z", 1+i%12, 1+i%28)
		if f := family[i]; f >= 0 {
			// One text per family (seeded by the family), one word changed
			// per member, and the family's phone.
			frng := rand.New(rand.NewPCG(opt.Seed, uint64(f)+1<<40))
			body := text(frng, sentences, opt.Bytes)
			words := strings.Fields(body)
			words[rng.IntN(len(words))] = fmt.Sprintf("ref%d", i)
			l.Title = src.Title
			l.Body = strings.Join(words, " ") + fmt.Sprintf("\nContact: +44 7700 %06d", 100000+int(f)%900000)
		} else {
			l.Title = src.Title
			l.Body = text(rng, sentences, opt.Bytes) + fmt.Sprintf("\nContact: +44 7%09d", rng.IntN(1_000_000_000))
		}
		b, err := corpus.MarshalJSONLine(&l)
		if err != nil {
			return err
		}
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// text is random sentences up to n bytes with their digits randomized.
func text(rng *rand.Rand, sentences []string, n int) string {
	var b strings.Builder
	for b.Len() < n {
		s := sentences[rng.IntN(len(sentences))]
		for _, r := range s {
			if r >= '0' && r <= '9' {
				r = '0' + rune(rng.IntN(10))
			}
			b.WriteRune(r)
		}
		b.WriteByte(' ')
	}
	return b.String()
}
