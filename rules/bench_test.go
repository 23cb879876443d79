package rules

import (
	"bytes"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
)

// marketLanguages are the languages the generated market rules are for.
var marketLanguages = []string{"en", "sr", "ro", "sq", "de", "fr", "pl", "ru", "uk", "bg", "es", "it", "el", "vi"}

// packN is the default pack plus variants of its rules up to n rules,
// loaded as a user pack. With perMarket, each variant is a market rule:
// the original condition for one language with its own threshold, as
// analysts add them for their markets; otherwise every variant fires
// whenever its original does (the worst case).
func packN(tb testing.TB, n int, perMarket bool) *Pack {
	tb.Helper()
	def, err := Load(DefaultSource())
	if err != nil {
		tb.Fatal(err)
	}
	n = max(n, len(def.Rules))
	extra := &Pack{Name: "bench", Version: "1", Bias: def.Bias, Levels: def.Levels}
	for i := 0; len(def.Rules)+len(extra.Rules) < n; i++ {
		r := *def.Rules[i%len(def.Rules)]
		r.ID = fmt.Sprintf("%s-v%d", r.ID, i)
		if perMarket {
			r.When = fmt.Sprintf("language == %q && (%s) && words > %d", marketLanguages[i%len(marketLanguages)], r.When, 10+i%20)
		} else {
			r.When = fmt.Sprintf("(%s) && words > %d", r.When, i%7)
		}
		r.Weight = 0.1
		extra.Rules = append(extra.Rules, &r)
	}
	var buf bytes.Buffer
	if err := WritePack(&buf, extra, nil); err != nil {
		tb.Fatal(err)
	}
	p, err := Load(DefaultSource(), Source{Name: "bench.yaml", Data: buf.Bytes()})
	if err != nil {
		tb.Fatal(err)
	}
	if len(p.Rules) != n {
		tb.Fatalf("%d rules, want %d", len(p.Rules), n)
	}
	return p
}

func devListings(tb testing.TB) []*corpus.Listing {
	var ls []*corpus.Listing
	for rec := range corpus.DevSet() {
		if rec.Err == nil {
			ls = append(ls, rec.Listing)
		}
	}
	return ls
}

// benchEvaluate extracts and scores every dev-set listing. ns/op is both
// steps; ns/listing is rule evaluation alone. eval-%-of-scan is
// evaluation's share of extraction plus evaluation (the budget is
// 10%), measured in the thread's CPU time so that other processes on a
// busy machine do not skew it.
func benchEvaluate(b *testing.B, n int, perMarket bool) {
	p := packN(b, n, perMarket)
	x := testExtractor(b)
	ls := devListings(b)
	fs := make([]*indicators.Features, len(ls))
	ev := p.NewEvaluator()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var extract, eval time.Duration
	listings := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		t0 := threadCPU()
		for i, l := range ls {
			fs[i] = x.Extract(l)
		}
		t1 := threadCPU()
		for _, f := range fs {
			if _, err := ev.Evaluate(f); err != nil {
				b.Fatal(err)
			}
		}
		t2 := threadCPU()
		extract += t1 - t0
		eval += t2 - t1
		listings += len(ls)
	}
	b.ReportMetric(float64(eval.Nanoseconds())/float64(listings), "ns/listing")
	b.ReportMetric(float64(extract.Nanoseconds())/float64(listings), "extract-ns/listing")
	b.ReportMetric(100*float64(eval)/float64(eval+extract), "eval-%-of-scan")
}

// BenchmarkEvaluate200Rules evaluates 200 rules (the default pack plus
// generated per-market variants) on every dev-set listing's features.
// eval-%-of-scan is the share of extraction plus evaluation spent on rules.
func BenchmarkEvaluate200Rules(b *testing.B) { benchEvaluate(b, 200, true) }

// BenchmarkEvaluate200RulesAllFire is the worst case: every variant fires
// whenever its original does, so each listing has five times the hits.
func BenchmarkEvaluate200RulesAllFire(b *testing.B) { benchEvaluate(b, 200, false) }

// BenchmarkEvaluateDefault evaluates the default pack alone.
func BenchmarkEvaluateDefault(b *testing.B) {
	def, err := Load(DefaultSource())
	if err != nil {
		b.Fatal(err)
	}
	benchEvaluate(b, len(def.Rules), false)
}
