package crawl

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redthread/redthread/corpus"
)

// TestHelperCrawlProcess is the crawl that TestCrawlKilled kills; it only
// runs as that test's child process.
func TestHelperCrawlProcess(t *testing.T) {
	start := os.Getenv("REDTHREAD_CRAWL_HELPER_URL")
	if start == "" {
		t.Skip("child process of TestCrawlKilled")
	}
	out, err := os.OpenFile(os.Getenv("REDTHREAD_CRAWL_HELPER_OUT"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	cfg := fastConfig(start)
	cfg.Adapter = demoAdapter(t)
	cfg.StateDir = os.Getenv("REDTHREAD_CRAWL_HELPER_STATE")
	cfg.Parallelism, cfg.Workers = 2, 2
	Crawl(context.Background(), cfg, nil, func(l *corpus.Listing) error {
		b, _ := json.Marshal(l)
		out.Write(append(b, '\n'))
		time.Sleep(30 * time.Millisecond) // slow enough to be killed mid-way
		return nil
	})
}

// TestCrawlKilled kills a crawling process with SIGKILL and resumes from
// its state: the state survives, every listing is eventually emitted, and
// only the pages in flight at the kill are fetched again.
func TestCrawlKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	want, err := DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	site := &countingHandler{h: DemoSite(want)}
	srv := httptest.NewServer(site)
	defer srv.Close()
	dir := t.TempDir()
	outFile, state := filepath.Join(dir, "out.jsonl"), filepath.Join(dir, "state")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperCrawlProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "REDTHREAD_CRAWL_HELPER_URL="+srv.URL+"/",
		"REDTHREAD_CRAWL_HELPER_OUT="+outFile, "REDTHREAD_CRAWL_HELPER_STATE="+state)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for countLines(outFile) < 20 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("child crawl did not get going")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	firstRun := countLines(outFile)
	if firstRun >= len(want) {
		t.Fatalf("the child finished (%d listings) before it was killed", firstRun)
	}

	var got collector
	if _, err := Crawl(context.Background(), func() Config {
		c := fastConfig(srv.URL + "/")
		c.Adapter, c.StateDir = demoAdapter(t), state
		return c
	}(), nil, got.emit); err != nil {
		t.Fatal(err)
	}
	emitted := map[string]int{}
	f, err := os.Open(outFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l corpus.Listing
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			continue // a line torn by the kill
		}
		emitted[l.URL]++
	}
	for _, l := range got.ls {
		emitted[l.URL]++
	}
	again := 0
	for _, w := range want {
		switch n := emitted[srv.URL+"/ad/"+w.ID]; {
		case n == 0:
			t.Errorf("listing %s never emitted", w.ID)
		case n > 1:
			again++
		}
	}
	refetched := 0
	for p, n := range site.counts() {
		if n > 1 && p != "/robots.txt" {
			refetched++
		}
	}
	// Only what was in flight (2 workers, plus the listing being emitted)
	// may be repeated.
	if again > 3 || refetched > 3 {
		t.Errorf("%d listings emitted twice, %d pages fetched twice; want at most 3 each", again, refetched)
	}
	t.Logf("killed after %d listings; resumed run emitted %d; %d repeated, %d pages refetched", firstRun, len(got.ls), again, refetched)
}

func countLines(p string) int {
	b, err := os.ReadFile(p)
	if err != nil {
		return 0
	}
	return strings.Count(string(b), "\n")
}
