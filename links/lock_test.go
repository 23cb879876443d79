//go:build unix

package links

import (
	"errors"
	"testing"
	"time"
)

// TestStoreLocked: a second open of the same registry folder fails with
// ErrInUse instead of interleaving its writes; after Close it opens.
func TestStoreLocked(t *testing.T) {
	dir := t.TempDir()
	a, err := OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer func(d time.Duration) { OpenTimeout = d }(OpenTimeout)
	OpenTimeout = 0 // no waiting in a test
	if b, err := OpenDir(dir); !errors.Is(err, ErrInUse) {
		if b != nil {
			b.Close()
		}
		t.Fatalf("second open: %v", err)
	}
	if err := a.Append([]*Entry{{ID: "a"}}); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := OpenDir(dir)
	if err != nil {
		t.Fatalf("open after close: %v", err)
	}
	defer b.Close()
	var ids []string
	if err := b.Load(func(e *Entry) error { ids = append(ids, e.ID); return nil }); err != nil || len(ids) != 1 {
		t.Errorf("load %v %v", ids, err)
	}
}
