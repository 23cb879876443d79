package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// Metrics are a worker's or a collector's counters, served in the
// Prometheus text format on /metrics, with /healthz.
type Metrics struct {
	prefix string
	mu     sync.Mutex
	c      map[string]*atomic.Int64
	help   map[string]string
	gauges map[string]func() float64
	health func(context.Context) error
}

// NewMetrics returns counters named prefix_NAME (prefix "redthread_worker"
// or "redthread_collect").
func NewMetrics(prefix string) *Metrics {
	return &Metrics{prefix: prefix, c: map[string]*atomic.Int64{}, help: map[string]string{}, gauges: map[string]func() float64{}}
}

// Counter returns the counter name, creating it with its help text.
func (m *Metrics) Counter(name, help string) *atomic.Int64 {
	if m == nil {
		return new(atomic.Int64)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if c, ok := m.c[name]; ok {
		return c
	}
	c := new(atomic.Int64)
	m.c[name] = c
	m.help[name] = help
	return c
}

// Gauge registers a value read at each scrape.
func (m *Metrics) Gauge(name, help string, fn func() float64) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gauges[name] = fn
	m.help[name] = help
}

// SetHealth sets the check /healthz runs (nil: always healthy).
func (m *Metrics) SetHealth(fn func(context.Context) error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.health = fn
}

// ServeHTTP serves /metrics and /healthz.
func (m *Metrics) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/healthz":
		m.mu.Lock()
		h := m.health
		m.mu.Unlock()
		if h != nil {
			ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
			defer cancel()
			if err := h(ctx); err != nil {
				http.Error(w, "unhealthy: "+err.Error(), http.StatusServiceUnavailable)
				return
			}
		}
		fmt.Fprintln(w, "ok")
	case "/metrics":
		w.Header().Set("Content-Type", "text/plain; version=0.0.4")
		m.mu.Lock()
		names := make([]string, 0, len(m.c)+len(m.gauges))
		for n := range m.c {
			names = append(names, n)
		}
		for n := range m.gauges {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			full := m.prefix + "_" + n
			if c, ok := m.c[n]; ok {
				fmt.Fprintf(w, "# HELP %s_total %s\n# TYPE %s_total counter\n%s_total %d\n", full, m.help[n], full, full, c.Load())
			} else {
				fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %g\n", full, m.help[n], full, full, m.gauges[n]())
			}
		}
		m.mu.Unlock()
	default:
		http.NotFound(w, r)
	}
}

// Serve serves the metrics on addr until ctx ends. It returns the address
// listened on (addr may name port 0).
func (m *Metrics) Serve(ctx context.Context, addr string, log *slog.Logger) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("metrics: %w", err)
	}
	srv := &http.Server{Handler: m, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
	}()
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server stopped", "err", err)
		}
	}()
	return ln.Addr().String(), nil
}
