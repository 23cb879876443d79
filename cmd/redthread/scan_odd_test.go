//go:build unix

package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/redthread/redthread/corpus"
)

// TestScanFIFOPhoto: a listing whose image path is a FIFO with no writer
// (or a device) is scanned: the photo gets an error in its result and the
// summary counts it. (Before, the scan blocked for good in open(2) and
// ignored SIGINT and SIGTERM.)
func TestScanFIFOPhoto(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "photo.jpg")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	var in strings.Builder
	for i, p := range []string{fifo, "/dev/zero"} {
		l := corpus.Listing{ID: "odd-" + strconv.Itoa(i), Kind: "escort", Title: "New in town", Body: "New in town, call me.",
			Images: []corpus.Image{{Path: p}}}
		b, _ := json.Marshal(l)
		in.Write(b)
		in.WriteByte('\n')
	}
	input := filepath.Join(dir, "in.jsonl")
	if err := os.WriteFile(input, []byte(in.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCmd(context.Background(), "scan", input)
	if code != 0 {
		t.Fatalf("scan: %d %s", code, stderr)
	}
	if !strings.Contains(stderr, "; 2 photos unreadable") {
		t.Errorf("summary does not count the photos: %s", stderr)
	}
	n := 0
	for line := range strings.Lines(out) {
		var r corpus.Result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		if len(r.Photos) != 1 || !strings.Contains(r.Photos[0].Error, "not a regular file") {
			t.Errorf("%s photos %+v", r.ID, r.Photos)
		}
		n++
	}
	if n != 2 {
		t.Errorf("%d results, want 2", n)
	}
}

// TestScanStopsWhenCancelled: a scan whose context has ended (SIGINT,
// SIGTERM) stops with an error instead of reading on.
func TestScanStopsWhenCancelled(t *testing.T) {
	dir := t.TempDir()
	var in strings.Builder
	for i := range 3000 {
		b, _ := json.Marshal(corpus.Listing{ID: "l" + strconv.Itoa(i), Kind: "job", Title: "Work", Body: "Good work, good pay."})
		in.Write(b)
		in.WriteByte('\n')
	}
	input := filepath.Join(dir, "in.jsonl")
	if err := os.WriteFile(input, []byte(in.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, out, stderr := runCmd(ctx, "scan", "-o", filepath.Join(dir, "out.jsonl"), input)
	if code == 0 || strings.Count(out, "\n") == 3000 {
		t.Errorf("cancelled scan: exit %d, %d results; %s", code, strings.Count(out, "\n"), stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "out.jsonl")); err == nil {
		t.Error("a cancelled scan left its output file")
	}
}
