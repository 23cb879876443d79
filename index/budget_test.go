package index

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/search/searcher"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
)

// TestQueryBudget: match-all queries are a browse; leading wildcards,
// short prefixes and regexps without a literal start are refused with a
// message; deep pages are refused.
func TestQueryBudget(t *testing.T) {
	x := openFixture(t)
	all, err := x.Search(context.Background(), Request{})
	if err != nil || all.Total == 0 {
		t.Fatalf("browse: %v %d", err, all.Total)
	}
	jobs, err := x.Search(context.Background(), Request{Query: "kind:job"})
	if err != nil || jobs.Total == 0 || jobs.Total == all.Total {
		t.Fatalf("kind:job: %v %d", err, jobs.Total)
	}
	for _, c := range []struct {
		q       string
		from    int
		total   uint64 // when not refused
		refused string // in the error when refused
	}{
		{q: "*", total: all.Total},
		{q: "* *", total: all.Total},
		{q: "**", total: all.Total},
		{q: "body:*", total: all.Total},
		{q: "title:* body:*", total: all.Total},
		{q: "* kind:job", total: jobs.Total},
		{q: "* -kind:job", total: all.Total - jobs.Total},
		{q: "*own", refused: "letters before the first"},
		{q: "body:*own", refused: "letters before the first"},
		{q: "?own", refused: "letters before the first"},
		{q: "t*", refused: "letters before the first"},
		{q: "to*", total: 0},
		{q: "indicators:j*", total: 0},
		{q: "/.*/", refused: "literal letters"},
		{q: "body:/.*own/", refused: "literal letters"},
		{q: "/to.*/", total: 0},
		{q: "town", from: MaxWindow - 10, refused: "first 10000 results"},
		{q: "town", from: MaxWindow - 20},
		{q: strings.Repeat("town ", MaxClauses)},
		{q: strings.Repeat("town ", MaxClauses+1), refused: "more than 64 words"},
	} {
		t.Run(c.q, func(t *testing.T) {
			res, err := x.Search(context.Background(), Request{Query: c.q, From: c.from, Size: 20})
			if c.refused != "" {
				var qe *QueryError
				if !errs.Is(errs.Invalid, err) || !errors.As(err, &qe) || !strings.Contains(err.Error(), c.refused) || !strings.Contains(err.Error(), "too expensive") {
					t.Errorf("error %v, want a refusal naming %q", err, c.refused)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.total > 0 && res.Total != c.total {
				t.Errorf("total %d, want %d", res.Total, c.total)
			}
		})
	}
}

// TestWildcardExpansionCapped: a wildcard over more words than the cap is
// refused, not expanded.
func TestWildcardExpansionCapped(t *testing.T) {
	x, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	var rs []corpus.Result
	for i := range 50 {
		id := fmt.Sprintf("w%02d", i)
		rs = append(rs, corpus.Result{ID: id, Kind: "job", Level: "low",
			Listing: &corpus.Listing{ID: id, Kind: "job", Title: "t", Body: fmt.Sprintf("word zq%03dx here", i)}})
	}
	if err := x.Put(rs); err != nil {
		t.Fatal(err)
	}
	defer func(n int) { searcher.DisjunctionMaxClauseCount = n }(searcher.DisjunctionMaxClauseCount)
	searcher.DisjunctionMaxClauseCount = 10
	if _, err := x.Search(context.Background(), Request{Query: "zq*"}); !errs.Is(errs.Invalid, err) || !strings.Contains(err.Error(), "too expensive") {
		t.Errorf("50 words under a cap of 10: %v", err)
	}
	res, err := x.Search(context.Background(), Request{Query: "zq00*"})
	if err != nil || res.Total != 10 {
		t.Errorf("10 words under a cap of 10: %v %d", err, res.Total)
	}
}

// TestSearchStops: a search whose caller went away stops with the
// caller's error; one over the query timeout stops with ErrTimeout.
func TestSearchStops(t *testing.T) {
	x := openFixture(t)
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := x.Search(gone, Request{Query: "*"}); !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Errorf("caller gone: %v", err)
	}
	defer func(f func(context.Context, time.Duration) (context.Context, context.CancelFunc)) { queryContext = f }(queryContext)
	var asked time.Duration
	queryContext = func(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
		asked = d
		ctx, cancel := context.WithCancelCause(ctx)
		cancel(ErrTimeout) // the time is up before the search starts
		return ctx, func() {}
	}
	x.SetQueryTimeout(3 * time.Second)
	if _, err := x.Search(context.Background(), Request{Query: "*"}); !errors.Is(err, ErrTimeout) {
		t.Errorf("timed out: %v", err)
	}
	if asked != 3*time.Second {
		t.Errorf("timeout %v, want the index's 3s", asked)
	}
	x.SetQueryTimeout(0)
	x.Search(context.Background(), Request{Query: "*"})
	if asked != DefaultQueryTimeout {
		t.Errorf("timeout %v, want the default", asked)
	}
}

func TestGeneration(t *testing.T) {
	x := openFixture(t)
	g := x.Generation()
	if _, err := x.Search(context.Background(), Request{}); err != nil {
		t.Fatal(err)
	}
	if x.Generation() != g {
		t.Error("a search changed the generation")
	}
	if err := x.Put(loadFixture(t)[:1]); err != nil {
		t.Fatal(err)
	}
	if x.Generation() == g {
		t.Error("a write kept the generation")
	}
}
