package scanner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
	"github.com/redthread/redthread/internal/synth"
	"github.com/redthread/redthread/links"
)

// templateN is the size of BenchmarkTemplateFamilies' input
// (REDTHREAD_BENCH_TEMPLATE_N; the README's figures use 20,000, 100,000
// and 1,000,000).
var templateN = benchSize("REDTHREAD_BENCH_TEMPLATE_N", 20_000)

// BenchmarkTemplateFamilies scans synthetic repost families (internal/synth
// WriteFamilies: 30% of the listings in families of 2-20 copies plus one of
// 1,000, half of the families without any contact; word edits, swapped
// sentences, changed names, cities, prices and phones) among listings of
// their own, with one agency number on 200 unrelated listings, streaming
// with revisions. It reports the pairwise precision and recall of the
// copied-text links (network.template_text and network.repost) against
// the families, recall for families with and without contacts and for
// the big family, whether the switchboard was suppressed (and reported)
// rather than linked, and wall and CPU time.
func BenchmarkTemplateFamilies(b *testing.B) {
	big, sw := 1000, 200
	if templateN < 20_000 {
		big, sw = templateN/20, templateN/100
	}
	dir := b.TempDir()
	path := filepath.Join(dir, "families.jsonl")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	base := devBase(b)
	x, err := indicators.New(indicators.Config{})
	if err != nil {
		b.Fatal(err)
	}
	clean := func(s string) bool { // no contact the scanner would find, whatever the listing's country
		for _, c := range []string{"", "US", "GB", "IE", "DE", "AT", "IT", "FR", "ES", "PT", "NL", "PL", "RO", "RS", "HR", "GR", "BG", "RU", "UA", "AL", "VN", "TH"} {
			if len(x.Extract(&corpus.Listing{Body: s, Country: c}).Spans["contacts:all"]) > 0 {
				return false
			}
		}
		return true
	}
	opt := synth.FamilyOptions{N: templateN, Seed: 3, Share: 0.3, MaxFamily: 20, Big: big, NoContact: 0.5, Switchboard: sw, Clean: clean}
	if err := synth.WriteFamilies(f, base, opt); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	read := readFile(path)
	b.ResetTimer()
	for range b.N {
		reg, err := links.New(links.Config{})
		if err != nil {
			b.Fatal(err)
		}
		s := newTestScanner(b, reg)
		s.cfg.TempDir = dir
		ix := map[string]int32{}
		var names []string
		// Each listing's final result (a revision replaces the first).
		text := map[int32][]int32{}    // copied-text links
		swState := map[int32][2]bool{} // switchboard listing: reported generic, linked by the number
		withContacts := map[int32]bool{}
		id := func(s string) int32 {
			i, ok := ix[s]
			if !ok {
				i = int32(len(names))
				ix[s] = i
				names = append(names, s)
			}
			return i
		}
		swKey := "phone:" + strings.ReplaceAll(synth.SwitchboardPhone, " ", "")
		var ru0, ru1 syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
		t0 := time.Now()
		sum, err := s.Scan(context.Background(), read, func(r *corpus.Result) error {
			me := id(r.ID)
			var ls []int32
			var st [2]bool
			for _, h := range r.Indicators {
				for _, ev := range h.Evidence {
					st[0] = st[0] || h.ID == "network.generic_key" && ev.Shared == swKey
					st[1] = st[1] || h.ID == "network.shared_contact" && ev.Shared == swKey
				}
				if h.ID == "network.template_text" || h.ID == "network.repost" {
					for _, o := range h.Linked {
						ls = append(ls, id(o))
					}
				}
			}
			text[me] = ls
			if strings.HasPrefix(r.ID, synth.SwitchboardPrefix) {
				swState[me] = st
			}
			if strings.HasPrefix(r.ID, synth.FamilyIDNoContact) {
				withContacts[me] = len(r.Contacts) > 0
			}
			return nil
		})
		wall := time.Since(t0)
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
		if err != nil {
			b.Fatal(err)
		}
		if sum.Scanned != templateN {
			b.Fatalf("scanned %d of %d", sum.Scanned, templateN)
		}
		cpu := time.Duration(ru1.Utime.Nano()+ru1.Stime.Nano()-ru0.Utime.Nano()-ru0.Stime.Nano()) * time.Nanosecond
		var swGeneric, swLinked, noContactWithContacts int
		for _, st := range swState {
			swGeneric += b2i(st[0])
			swLinked += b2i(st[1])
		}
		for _, c := range withContacts {
			noContactWithContacts += b2i(c)
		}
		m := scoreFamilies(names, text)
		b.ReportMetric(m.precision, "precision")
		b.ReportMetric(m.recall, "recall")
		b.ReportMetric(m.recallContact, "recall-with-contact")
		b.ReportMetric(m.recallNoContact, "recall-no-contact")
		b.ReportMetric(m.recallBig, "recall-big-family")
		b.ReportMetric(float64(m.bigComponent), "big-family-connected")
		b.ReportMetric(float64(m.truePairs), "true-pairs")
		b.ReportMetric(float64(swGeneric), "switchboard-reported")
		b.ReportMetric(float64(swLinked), "switchboard-linked")
		b.ReportMetric(float64(noContactWithContacts), "nocontact-copies-with-contacts")
		b.ReportMetric(wall.Seconds(), "wall-s")
		b.ReportMetric(cpu.Seconds(), "cpu-s")
		b.ReportMetric(float64(templateN)/wall.Seconds(), "listings/s")
		b.ReportMetric(float64(sum.Revised), "revised")
		b.ReportMetric(float64(ru1.Maxrss)/1024, "peak-RSS-MB")
		runtime.KeepAlive(reg)
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// familyScore is the pairwise agreement of copied-text links with the
// synthetic families.
type familyScore struct {
	precision, recall, recallContact, recallNoContact, recallBig float64
	truePairs                                                    int
	// bigComponent is the largest set of big-family members connected by
	// copied-text links (a network view shows them as one family).
	bigComponent int
}

// familyOf reads the family of a synthetic listing ID (-1: none) and
// whether its copies carry no contact.
func familyOf(id string) (int, bool) {
	noContact := strings.HasPrefix(id, synth.FamilyIDNoContact)
	rest, ok := strings.CutPrefix(id, synth.FamilyIDNoContact)
	if !ok {
		if rest, ok = strings.CutPrefix(id, synth.FamilyIDPrefix); !ok {
			return -1, false
		}
	}
	f := -1
	if _, err := fmt.Sscanf(rest, "%d-", &f); err != nil {
		return -1, false
	}
	return f, noContact
}

// scoreFamilies counts, over unordered pairs of listings, the linked
// pairs (either side lists the other) that are copies of one family.
// Family 0 is the big one.
func scoreFamilies(names []string, text map[int32][]int32) familyScore {
	fam := make([]int, len(names))
	noc := make([]bool, len(names))
	size := map[int]int{}
	famNoC := map[int]bool{}
	for i, n := range names {
		fam[i], noc[i] = familyOf(n)
		if fam[i] >= 0 {
			size[fam[i]]++
			famNoC[fam[i]] = noc[i]
		}
	}
	var trueAll, trueC, trueN, trueBig int
	for f, c := range size {
		p := c * (c - 1) / 2
		trueAll += p
		if famNoC[f] {
			trueN += p
		} else {
			trueC += p
		}
		if f == 0 {
			trueBig = p
		}
	}
	pairs := map[uint64]bool{}
	for a, ls := range text {
		for _, b := range ls {
			x, y := min(a, b), max(a, b)
			if x != y {
				pairs[uint64(x)<<32|uint64(y)] = true
			}
		}
	}
	parent := map[int32]int32{}
	var find func(int32) int32
	find = func(i int32) int32 {
		p, ok := parent[i]
		if !ok || p == i {
			return i
		}
		r := find(p)
		parent[i] = r
		return r
	}
	var tp, tpC, tpN, tpBig int
	for k := range pairs {
		x, y := int32(k>>32), int32(uint32(k))
		if fam[x] == 0 && fam[y] == 0 {
			if rx, ry := find(x), find(y); rx != ry {
				parent[rx] = ry
			}
		}
		if fam[x] >= 0 && fam[x] == fam[y] {
			tp++
			if noc[x] {
				tpN++
			} else {
				tpC++
			}
			if fam[x] == 0 {
				tpBig++
			}
		}
	}
	ratio := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	comp := map[int32]int{}
	big := 0
	for i := range names {
		if fam[i] == 0 {
			r := find(int32(i))
			comp[r]++
			big = max(big, comp[r])
		}
	}
	return familyScore{precision: ratio(tp, len(pairs)), recall: ratio(tp, trueAll), recallContact: ratio(tpC, trueC),
		recallNoContact: ratio(tpN, trueN), recallBig: ratio(tpBig, trueBig), truePairs: trueAll, bigComponent: big}
}
