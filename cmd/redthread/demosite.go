package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/crawl"
	"github.com/redthread/redthread/errs"
)

func init() {
	commands["demo-site"] = command{summary: "serve the sample corpus as a small classifieds website to crawl", run: runDemoSite}
}

func runDemoSite(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "demo-site", "[--addr 127.0.0.1:8080] [--corpus FILE.jsonl]")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	corpusFile := fs.String("corpus", "", "serve these listings (JSONL) instead of the bundled demo corpus")
	if _, err := parseFlags(fs, args); err != nil {
		return err
	}
	var ls []*corpus.Listing
	var err error
	if *corpusFile == "" {
		ls, err = crawl.DemoCorpus()
	} else {
		f, ferr := os.Open(*corpusFile)
		if ferr != nil {
			return &errs.Error{Op: "demo-site", Kind: errs.NotExist, Path: *corpusFile, Err: ferr}
		}
		defer f.Close()
		ls, err = crawl.ReadDemoCorpus(f, *corpusFile)
	}
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return errs.E("demo-site: listen", errs.IO, err)
	}
	srv := &http.Server{Handler: crawl.DemoSite(ls), ReadHeaderTimeout: 10 * time.Second}
	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(e.stdout, "demo site: %s (%d listings)\n", url, len(ls))
	fmt.Fprintf(e.stdout, "crawl it:  redthread crawl --adapter demo --allow-private --start %s\n", url)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return errs.E("demo-site", errs.IO, err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return errs.E("demo-site: shutdown", errs.IO, err)
	}
	return nil
}
