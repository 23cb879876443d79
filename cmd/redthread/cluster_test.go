package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redthread/redthread/internal/svctest"
)

// TestClusterCommands runs the README's commands: submit the dev set, two
// workers (one serving its counters), collect -o until idle; the file
// equals `scan -o` of the same input, listing by listing. Cancelling the
// workers' context (what SIGTERM does) stops them with exit code 0.
func TestClusterCommands(t *testing.T) {
	_, natsURL := svctest.StartNATS(t)
	_, redisAddr := svctest.StartRedis(t)
	redisURL := "redis://" + redisAddr + "/0"
	dir := t.TempDir()
	devset := filepath.Join("..", "..", "corpus", "devset", "devset.jsonl")
	env := func(string) string { return "" }
	runCmd := func(ctx context.Context, args ...string) (int, string) {
		code, _, errb := runCmd(ctx, args...) // (crawl_test.go)
		return code, errb
	}
	ctx := context.Background()
	if code, errs := runCmd(ctx, "scan", "-q", "-o", filepath.Join(dir, "scan.jsonl"), devset); code != 0 {
		t.Fatalf("scan: %d %s", code, errs)
	}
	if code, errs := runCmd(ctx, "submit", "--nats", natsURL, "--cluster", "t1", devset); code != 0 || !strings.Contains(errs, "submitted 322 listings") {
		t.Fatalf("submit: %d %s", code, errs)
	}
	if code, errs := runCmd(ctx, "submit", "--nats", natsURL, "--cluster", "t1", devset); code != 0 || !strings.Contains(errs, "(322 already queued)") {
		t.Fatalf("submit again: %d %s", code, errs)
	}
	if code, errs := runCmd(ctx, "worker", "--nats", natsURL, "--redis", redisURL, "--links", dir); code != exitUsage {
		t.Errorf("worker --links: exit %d, want %d: %s", code, exitUsage, errs)
	}
	port := svctest.FreePort(t)
	wctx, stop := context.WithCancel(ctx)
	defer stop()
	codes := make(chan int, 2)
	var wlog syncBuffer
	for i := range 2 {
		args := []string{"worker", "--nats", natsURL, "--redis", redisURL, "--cluster", "t1", "--batch", "16"}
		if i == 0 {
			args = append(args, "--metrics", fmt.Sprintf("127.0.0.1:%d", port))
		}
		go func() {
			var out syncBuffer
			codes <- run(wctx, args, strings.NewReader(""), &out, &wlog, env)
		}()
	}
	out := filepath.Join(dir, "collected.jsonl")
	if code, errs := runCmd(ctx, "collect", "--nats", natsURL, "--redis", redisURL, "--cluster", "t1", "--idle", "1s", "-o", out); code != 0 ||
		!strings.Contains(errs, "collected 322 listings") {
		t.Fatalf("collect: %d %s", code, errs)
	}
	// Health and counters of the first worker.
	get := func(path string) string {
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d%s", port, path))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Errorf("%s: %s %s", path, resp.Status, b)
		}
		return string(b)
	}
	if h := get("/healthz"); strings.TrimSpace(h) != "ok" {
		t.Errorf("healthz: %q", h)
	}
	m := get("/metrics")
	for _, name := range []string{"redthread_worker_scanned_total", "redthread_worker_listings_in_total", "redthread_worker_linked_total",
		"redthread_worker_redelivered_total", "redthread_worker_failed_total", "redthread_worker_lag", "redthread_worker_redis_round_trips"} {
		if !strings.Contains(m, "\n"+name+" ") {
			t.Errorf("metrics lack %s:\n%s", name, m)
		}
	}
	stop()
	for range 2 {
		select {
		case code := <-codes:
			if code != 0 {
				t.Errorf("worker stopped with exit code %d: %s", code, wlog.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatal("a worker did not stop after its context ended")
		}
	}
	want, got := resultsByID(t, filepath.Join(dir, "scan.jsonl")), resultsByID(t, out)
	if len(got) != len(want) {
		t.Fatalf("%d results collected, want %d", len(got), len(want))
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s differs:\ncollect %s\nscan    %s", id, got[id], w)
		}
	}
}

// resultsByID reads a results file (one result per listing) into a map of
// normalized JSON by listing ID.
func resultsByID(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 16<<20)
	for sc.Scan() {
		var v map[string]any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(v)
		id, _ := v["id"].(string)
		if _, dup := out[id]; dup {
			t.Errorf("%s: two results in %s", id, path)
		}
		out[id] = string(b)
	}
	return out
}

// TestScanLinksInRedis: `scan --links redis://…` keeps the registry in
// Redis (links.Store), so a later scan links to an earlier one.
func TestScanLinksInRedis(t *testing.T) {
	_, redisAddr := svctest.StartRedis(t)
	dir := t.TempDir()
	a := filepath.Join(dir, "a.jsonl")
	b := filepath.Join(dir, "b.jsonl")
	os.WriteFile(a, []byte(`{"id":"first","kind":"job","body":"Farm work abroad, good pay. Call +44 7700 900123 today."}`+"\n"), 0o600)
	os.WriteFile(b, []byte(`{"id":"second","kind":"job","body":"Hotel staff wanted, room included. WhatsApp +447700900123."}`+"\n"), 0o600)
	url := "redis://" + redisAddr + "/0"
	if code, _, errs := runCmd(context.Background(), "scan", "-q", "--links", url, "-o", filepath.Join(dir, "a.out"), a); code != 0 {
		t.Fatalf("scan a: %d %s", code, errs)
	}
	code, _, errs := runCmd(context.Background(), "scan", "-q", "--links", url, "-o", filepath.Join(dir, "b.out"), b)
	if code != 0 {
		t.Fatalf("scan b: %d %s", code, errs)
	}
	got, err := os.ReadFile(filepath.Join(dir, "b.out"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), `"linked":["first"]`) {
		t.Errorf("the second scan does not link to the first: %s", got)
	}
}
