package main

import (
	"html/template"
	"slices"
	"strings"

	"context"
	"errors"
	"fmt"
	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/stats"
	"net"
	"net/http"
	"time"

	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/index"
	"github.com/redthread/redthread/review"
	"github.com/redthread/redthread/web"
)

func init() {
	commands["serve"] = command{summary: "serve the analyst web app on a search index", run: runServe}
}

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "[--index DIR] [--addr 127.0.0.1:8080] [--photos DIR]")
	dir := fs.String("index", indexDirDefault(e), "index `folder` (env REDTHREAD_INDEX); the review store lives there too")
	addr := fs.String("addr", "127.0.0.1:8080", "listen `address`")
	photos := fs.String("photos", "", "serve local photos only from this `folder`")
	secure := fs.Bool("secure-cookies", false, "mark cookies Secure (when served behind HTTPS)")
	ttl := fs.Duration("session", 12*time.Hour, "how long a login lasts")
	queryTimeout := fs.Duration("query-timeout", index.DefaultQueryTimeout, "stop a search that runs longer than this")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return fmt.Errorf("%w: unexpected arguments %q", errUsage, pos)
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
	store, err := review.Open(*dir)
	if err != nil {
		return err
	}
	defer store.Close()
	users, err := store.Users()
	if err != nil {
		return errs.E("serve", errs.IO, err)
	}
	if len(users) == 0 {
		fmt.Fprintf(e.stderr, "warning: no user accounts yet; add one with: redthread users add --index %s NAME\n", *dir)
	} else if !slices.ContainsFunc(users, func(a review.Account) bool { return a.Role == review.RoleAdmin }) {
		fmt.Fprintf(e.stderr, "note: no admin account (accounts created before roles are analysts); add one with: redthread users add --role admin --index %s NAME\n", *dir)
	}
	x.SetQueryTimeout(*queryTimeout)
	charts := web.CachedCharts(x.Generation, indexCharts(x, e))
	go func() { _, _ = charts(ctx) }() // compute the /stats charts before the first visit
	app, err := web.New(web.Config{Index: x, Store: store, PhotoRoot: *photos, SessionTTL: *ttl,
		SecureCookies: *secure, Logger: e.log, Charts: charts})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return errs.E("serve", errs.IO, err)
	}
	if host, _, _ := net.SplitHostPort(ln.Addr().String()); !net.ParseIP(host).IsLoopback() && !*secure {
		fmt.Fprintln(e.stderr, "warning: serving beyond this machine without HTTPS; put it behind a TLS proxy and use --secure-cookies")
	}
	n, _ := x.Count()
	fmt.Fprintf(e.stdout, "redthread: serving %d listings from %s on http://%s/ (Ctrl-C stops)\n", n, *dir, ln.Addr())
	srv := &http.Server{Handler: app, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 64 << 10}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		if !errors.Is(err, http.ErrServerClosed) {
			return errs.E("serve", errs.IO, err)
		}
		return nil
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
		fmt.Fprintln(e.stderr, "redthread: stopped")
		return nil
	}
}

// indexCharts computes the statistics charts over the whole index for the
// app's /stats page. Analysts logged in to the app see exact counts:
// suppression of small counts is for exports and published reports.
func indexCharts(x *index.Index, e *env) func(ctx context.Context) (template.HTML, error) {
	return func(ctx context.Context) (template.HTML, error) {
		agg := stats.NewAggregator()
		var iterErr error
		agg.AddAll(func(yield func(*corpus.Result) bool) {
			for r, err := range x.All(ctx) {
				if err != nil {
					iterErr = err
					return
				}
				if !yield(r) {
					return
				}
			}
		})
		if iterErr != nil {
			return "", iterErr
		}
		rep := agg.Report(stats.Meta{ScannerVersion: version, Created: now(e), MinCount: 1,
			Inputs: []stats.Input{{Path: "index:" + x.Dir()}}})
		var b strings.Builder
		if err := rep.WriteChartsWith(&b, stats.ChartOptions{Label: web.Label, Search: web.StatsSearchURL}); err != nil {
			return "", err
		}
		// The stats package writes the SVG itself and escapes every text in it.
		return template.HTML(b.String()), nil
	}
}
