package index

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestCrashDuringIndexing kills a process in the middle of indexing and
// checks that every batch it reported committed is still there and the
// index reopens.
func TestCrashDuringIndexing(t *testing.T) {
	if dir := os.Getenv("REDTHREAD_CRASH_CHILD"); dir != "" {
		crashChild(dir)
		return
	}
	if testing.Short() {
		t.Skip("spawns an indexing process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashDuringIndexing$")
	cmd.Env = append(os.Environ(), "REDTHREAD_CRASH_CHILD="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	committed := 0
	sc := bufio.NewScanner(out)
	deadline := time.Now().Add(2 * time.Minute)
	for sc.Scan() && time.Now().Before(deadline) {
		if n, ok := strings.CutPrefix(sc.Text(), "committed "); ok {
			committed, _ = strconv.Atoi(n)
			if committed >= 1000 {
				break
			}
		}
	}
	// Kill it while it writes the next batch.
	time.Sleep(30 * time.Millisecond)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if committed == 0 {
		t.Fatal("child committed nothing")
	}
	x, err := Open(dir)
	if err != nil {
		t.Fatalf("reopen after kill: %v", err)
	}
	defer x.Close()
	n, err := x.Count()
	if err != nil {
		t.Fatal(err)
	}
	if n < uint64(committed) {
		t.Fatalf("after kill the index holds %d listings, %d were committed", n, committed)
	}
	last := fmt.Sprintf("syn-%07d", committed-1)
	if _, err := x.Get(last); err != nil {
		t.Errorf("last committed listing: %v", err)
	}
	res, err := x.Search(context.Background(), Request{Query: "kind:job", Size: 1})
	if err != nil || res.Total == 0 {
		t.Errorf("search after reopen: %v, %d", err, res.Total)
	}
	// And indexing goes on.
	if err := x.Put(synthResults(10, 9)); err != nil {
		t.Errorf("put after reopen: %v", err)
	}
}

func crashChild(dir string) {
	x, err := Open(dir)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	rs := synthResults(20000, 3)
	for i := 0; i < len(rs); i += 250 {
		if err := x.Put(rs[i : i+250]); err != nil {
			fmt.Println("error", err)
			os.Exit(1)
		}
		fmt.Printf("committed %d\n", i+250)
	}
	x.Close()
	os.Exit(0)
}
