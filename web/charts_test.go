package web

import (
	"context"
	"errors"
	"html/template"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// TestCachedCharts: many requests at once compute once; a new index
// generation computes again; an error is not kept; a request that goes
// away stops waiting without stopping the computation.
func TestCachedCharts(t *testing.T) {
	var gen atomic.Uint64
	var calls atomic.Int64
	release := make(chan struct{})
	fail := atomic.Bool{}
	charts := CachedCharts(gen.Load, func(ctx context.Context) (template.HTML, error) {
		n := calls.Add(1)
		<-release
		if fail.Load() {
			return "", errors.New("index unreadable")
		}
		return template.HTML("charts " + strconv.FormatInt(n, 10)), ctx.Err()
	})
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := charts(gone); !errors.Is(err, context.Canceled) {
		t.Errorf("request gone: %v", err)
	}
	var wg sync.WaitGroup
	got := make([]template.HTML, 10)
	for i := range got {
		wg.Go(func() {
			h, err := charts(context.Background())
			if err != nil {
				t.Error(err)
			}
			got[i] = h
		})
	}
	close(release)
	wg.Wait()
	for _, h := range got {
		if h != "charts 1" {
			t.Errorf("got %q, want the one computation's charts", h)
		}
	}
	if h, _ := charts(context.Background()); h != "charts 1" || calls.Load() != 1 {
		t.Errorf("same generation: %q after %d computations", h, calls.Load())
	}
	gen.Add(1)
	if h, _ := charts(context.Background()); h != "charts 2" {
		t.Errorf("new generation: %q", h)
	}
	gen.Add(1)
	fail.Store(true)
	if _, err := charts(context.Background()); err == nil {
		t.Error("error lost")
	}
	fail.Store(false)
	if h, err := charts(context.Background()); err != nil || h != "charts 4" {
		t.Errorf("after an error: %q %v (errors must not be cached)", h, err)
	}
}
