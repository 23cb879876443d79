package web

import (
	"context"
	"html/template"
	"sync"
	"time"
)

// ChartsTimeout bounds one computation of the statistics charts.
const ChartsTimeout = 5 * time.Minute

// CachedCharts wraps compute, which renders charts over a whole index, so
// that it runs once per index generation (gen changes whenever the index is
// written to) however many requests ask at once. The computation is not
// tied to the request that started it: a client that goes away stops
// waiting, not the work others wait for. Errors are not cached.
func CachedCharts(gen func() uint64, compute func(ctx context.Context) (template.HTML, error)) func(ctx context.Context) (template.HTML, error) {
	c := &chartCache{gen: gen, compute: compute}
	return c.get
}

type chartCache struct {
	gen     func() uint64
	compute func(ctx context.Context) (template.HTML, error)

	mu      sync.Mutex
	ok      bool
	at      uint64 // the generation html was computed at
	html    template.HTML
	err     error         // the last computation's error
	running chan struct{} // closed when the running computation ends
}

func (c *chartCache) get(ctx context.Context) (template.HTML, error) {
	c.mu.Lock()
	g := c.gen()
	if c.ok && c.at == g {
		defer c.mu.Unlock()
		return c.html, nil
	}
	if c.running == nil {
		done := make(chan struct{})
		c.running = done
		go func() {
			defer close(done)
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ChartsTimeout)
			defer cancel()
			h, err := c.compute(cctx)
			c.mu.Lock()
			defer c.mu.Unlock()
			c.running, c.err = nil, err
			if err == nil {
				c.html, c.at, c.ok = h, g, true
			}
		}()
	}
	done := c.running
	c.mu.Unlock()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case <-done:
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return "", c.err
	}
	return c.html, nil
}
