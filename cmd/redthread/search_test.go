package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/redthread/redthread/index"
	"github.com/redthread/redthread/review"
)

const webFixture = "../../index/testdata/results.jsonl"

func init() { review.BcryptCost = bcrypt.MinCost }

// runWebCmd runs redthread in-process and returns its exit code and output.
func runWebCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	getenv := func(string) string { return "" }
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb, getenv)
	return code, out.String(), errb.String()
}

func TestIndexAndSearchCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	code, _, stderr := runWebCmd(t, "", "index", "--index", dir, webFixture)
	if code != 0 || !strings.Contains(stderr, "indexed 8 results") {
		t.Fatalf("index: %d %s", code, stderr)
	}
	// Re-indexing the same file replaces, it does not duplicate.
	code, _, stderr = runWebCmd(t, "", "index", webFixture, "--index", dir)
	if code != 0 || !strings.Contains(stderr, "holds 8 listings") {
		t.Fatalf("re-index: %d %s", code, stderr)
	}
	code, out, _ := runWebCmd(t, "", "search", "--index", dir, "--filter", "country=RS", "064/123-4567")
	if code != 0 || !strings.Contains(out, "rs-job-301") || !strings.Contains(out, "1 listings") || !strings.Contains(out, "phone: +381641234567") {
		t.Errorf("phone search: %d\n%s", code, out)
	}
	code, out, _ = runWebCmd(t, "", "search", "--index", dir, "--json", "--facet", "country", `indicators:service.youth`)
	var res index.Response
	if code != 0 || json.Unmarshal([]byte(out), &res) != nil || res.Total != 2 || len(res.Facets) != 1 {
		t.Errorf("json search: %d %s", code, out)
	}
	code, out, _ = runWebCmd(t, "", "search", "--index", dir, "--no-facets", "script")
	if code != 0 || strings.ContainsRune(out, '\u202e') || !strings.Contains(out, "[RLO]") || !strings.Contains(out, "«script»") {
		t.Errorf("hostile text in terminal: %q", out)
	}
	code, _, stderr = runWebCmd(t, "", "search", "--index", dir, "title:")
	if code != exitInput || !strings.Contains(stderr, "cannot understand the query") {
		t.Errorf("bad query: %d %s", code, stderr)
	}
	code, _, _ = runWebCmd(t, "", "index", "--index", dir)
	if code != exitUsage {
		t.Errorf("index without files: %d", code)
	}
	code, _, stderr = runWebCmd(t, "not json\n", "index", "--index", dir, "-")
	if code != exitInput || !strings.Contains(stderr, "no usable result") {
		t.Errorf("bad input: %d %s", code, stderr)
	}
}

func TestIndexInUseFailsFast(t *testing.T) {
	dir := t.TempDir()
	x, err := index.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	old := index.OpenTimeout
	index.OpenTimeout = 100 * time.Millisecond
	defer func() { index.OpenTimeout = old }()
	code, _, stderr := runWebCmd(t, "", "search", "--index", dir, "x")
	if code != exitFailure || !strings.Contains(stderr, "in use by another process") {
		t.Errorf("search on a held index: %d %s", code, stderr)
	}
}

func TestUsersCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := runWebCmd(t, "", "users", "add", "--index", dir, "ana")
	if code != 0 || !strings.Contains(out, "user ana: password ") {
		t.Fatalf("users add: %d %s", code, out)
	}
	pw := strings.Fields(strings.SplitN(out, "password ", 2)[1])[0]
	code, _, _ = runWebCmd(t, "s3cret-passw0rd\n", "users", "add", "--password-stdin", "--index", dir, "bob")
	if code != 0 {
		t.Fatalf("users add --password-stdin: %d", code)
	}
	code, out, _ = runWebCmd(t, "", "users", "list", "--index", dir)
	if code != 0 || out != "ana\tanalyst\nbob\tanalyst\n" {
		t.Errorf("users list: %q", out)
	}
	if code, _, _ = runWebCmd(t, "", "users", "add", "--index", dir, "<bad>"); code != exitInput {
		t.Errorf("bad name: %d", code)
	}
	s, err := review.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.CheckPassword("ana", pw) != nil || s.CheckPassword("bob", "s3cret-passw0rd") != nil {
		t.Error("stored passwords do not check")
	}
}

func TestServeCommand(t *testing.T) {
	dir := t.TempDir()
	runWebCmd(t, "", "index", "--index", dir, webFixture)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb bytes.Buffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--index", dir, "--addr", "127.0.0.1:0"}, strings.NewReader(""), &webSyncBuf{b: &out}, &errb, func(string) string { return "" })
	}()
	time.Sleep(500 * time.Millisecond)
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exit %d: %s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestSearchWithoutIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "none")
	code, _, stderr := runWebCmd(t, "", "search", "--index", dir, "x")
	if code != exitInput || !strings.Contains(stderr, "no index here") {
		t.Errorf("search without index: %d %s", code, stderr)
	}
	code, _, stderr = runWebCmd(t, "", "serve", "--index", dir, "--addr", "127.0.0.1:0")
	if code != exitInput || !strings.Contains(stderr, "no index here") {
		t.Errorf("serve without index: %d %s", code, stderr)
	}
}
