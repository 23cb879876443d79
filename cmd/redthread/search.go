package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/index"
	"github.com/redthread/redthread/web"
)

func init() {
	commands["search"] = command{summary: "search a results index (query syntax: redthread search -h)", run: runSearch}
}

const searchHelp = `[--index DIR] [--json] [--filter FIELD=VALUE]... [--facet FIELD]... QUERY

QUERY uses bleve's query-string syntax; every word is required:
  "new in town"                         a phrase
  indicators:service.youth country:GR   fields: title body employer indicators level kind
                                        source country language contacts score posted week
  score:>70  posted:>"2025-03-01"       ranges
  -kind:job  indicators:job.*           exclusion, wildcard (at least 2 letters before * or ?
                                        in text; * alone lists everything)
  +44 7700 900123 / 064/123-4567 country:RS   a phone number in any format`

func runSearch(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "search", searchHelp)
	dir := fs.String("index", indexDirDefault(e), "index `folder` (env REDTHREAD_INDEX)")
	asJSON := fs.Bool("json", false, "print the response as JSON")
	var filters, facets stringList
	fs.Var(&filters, "filter", "keep only listings with `FIELD=VALUE` (repeatable; values of one field are alternatives)")
	fs.Var(&facets, "facet", "count values of `FIELD` (repeatable; default: indicators level kind source country language week)")
	sortBy := fs.String("sort", index.SortRelevance, "order: relevance, score, date or oldest")
	size := fs.Int("size", 20, "results per page")
	from := fs.Int("from", 0, "skip this many results")
	noFacets := fs.Bool("no-facets", false, "do not count facets")
	timeout := fs.Duration("timeout", index.DefaultQueryTimeout, "stop the search after this long")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	req := index.Request{Query: strings.Join(pos, " "), Filters: map[string][]string{}, Sort: *sortBy,
		Size: *size, From: *from, Highlight: true}
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			k, v, ok = strings.Cut(f, ":")
		}
		if !ok || k == "" || v == "" {
			return fmt.Errorf("%w: --filter wants FIELD=VALUE, got %q", errUsage, f)
		}
		req.Filters[strings.ToLower(k)] = append(req.Filters[strings.ToLower(k)], v)
	}
	if len(facets) > 0 {
		req.Facets = facets
	}
	if *noFacets {
		req.Facets = []string{}
	}
	if !index.Exists(*dir) {
		return &errs.Error{Op: "open index", Kind: errs.NotExist, Path: *dir,
			Err: errors.New("no index here (make one with: redthread index --index DIR RESULTS.jsonl)")}
	}
	x, err := index.Open(*dir)
	if err != nil {
		return err
	}
	defer x.Close()
	x.SetQueryTimeout(*timeout)
	res, err := x.Search(ctx, req)
	if err != nil {
		var qe *index.QueryError
		if errors.As(err, &qe) {
			return &errs.Error{Op: "query", Kind: errs.Invalid, Err: qe}
		}
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	printResults(e.stdout, req, res)
	return nil
}

// termSafe makes hostile text safe for a terminal: control characters
// (escape sequences) and bidirectional overrides become visible.
func termSafe(s string) string {
	s = web.ShowControls(s)
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) {
			return '�'
		}
		return r
	}, s)
}

func printResults(w io.Writer, req index.Request, res index.Response) {
	if len(res.Phones) > 0 {
		fmt.Fprintf(w, "phone: %s\n", strings.Join(res.Phones, ", "))
	}
	fmt.Fprintf(w, "%d listings", res.Total)
	if len(res.Hits) > 0 {
		fmt.Fprintf(w, ", %d–%d", req.From+1, req.From+len(res.Hits))
	}
	fmt.Fprintf(w, " (%s)\n", res.Took.Round(10_000))
	for _, h := range res.Hits {
		title := h.Title
		if title == "" {
			title = h.ID
		}
		fmt.Fprintf(w, "\n%3d %-6s %s  %s %s %s\n    %s\n", h.Score, h.Level, termSafe(h.ID), h.Kind, h.Country, dateOf(h.Posted), termSafe(clipRunes(title, 100)))
		for _, s := range h.Snippets {
			if s.Field == index.FieldTitle {
				continue
			}
			var b strings.Builder
			for _, p := range s.Parts {
				if p.Mark {
					b.WriteString("«" + termSafe(p.Text) + "»")
				} else {
					b.WriteString(termSafe(p.Text))
				}
			}
			fmt.Fprintf(w, "    %s\n", b.String())
		}
		if len(h.Indicators) > 0 {
			fmt.Fprintf(w, "    [%s]\n", strings.Join(h.Indicators, " "))
		}
	}
	for _, f := range res.Facets {
		if len(f.Terms) == 0 {
			continue
		}
		parts := make([]string, 0, len(f.Terms))
		for _, t := range f.Terms {
			parts = append(parts, fmt.Sprintf("%s %d", termSafe(t.Term), t.Count))
		}
		fmt.Fprintf(w, "\n%s: %s", f.Field, strings.Join(parts, ", "))
	}
	if len(res.Facets) > 0 {
		fmt.Fprintln(w)
	}
}

func dateOf(s string) string {
	if len(s) >= 10 {
		return s[:10]
	}
	return s
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
