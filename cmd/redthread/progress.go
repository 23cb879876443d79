package main

import (
	"fmt"
	"os"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progress is a progress line on stderr for long work: a bar over the
// bytes of the input when their total is known, with a description of
// what was done (listings, rate, skipped). It is shown only on a terminal
// and not with -q; redraws are throttled.
type progress struct {
	bar   *progressbar.ProgressBar
	read  *atomic.Int64
	start time.Time
	unit  string
}

// newProgress returns nil (no progress) unless stderr is a terminal and
// quiet is false. total is the input's size in bytes (0 when unknown).
func newProgress(e *env, quiet bool, what, unit string, total int64) *progress {
	if quiet || !isTerminal(e.stderr) {
		return nil
	}
	if total <= 0 {
		total = -1 // a spinner
	}
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(e.stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetWidth(24),
		progressbar.OptionThrottle(500*time.Millisecond),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSpinnerType(14),
	)
	return &progress{bar: bar, read: new(atomic.Int64), start: time.Now(), unit: unit}
}

// counter is what readers add their bytes to (nil without progress).
func (p *progress) counter() *atomic.Int64 {
	if p == nil {
		return nil
	}
	return p.read
}

// update redraws the line (throttled) with n items done and skipped.
func (p *progress) update(n, skipped int) {
	if p == nil {
		return
	}
	rate := float64(n) / max(time.Since(p.start).Seconds(), 1e-3)
	desc := fmt.Sprintf("%d %s, %.0f/s", n, p.unit, rate)
	if skipped > 0 {
		desc += fmt.Sprintf(", %d skipped", skipped)
	}
	p.bar.Describe(desc)
	p.bar.Set64(p.read.Load())
}

// done removes the line.
func (p *progress) done() {
	if p != nil {
		p.bar.Finish()
	}
}

// inputSize is the total size of the regular files among paths (0 when
// one of them is stdin or not a regular file: unknown).
func inputSize(paths []string) int64 {
	var n int64
	for _, p := range paths {
		if p == "-" {
			return 0
		}
		st, err := os.Stat(p)
		if err != nil || !st.Mode().IsRegular() {
			return 0
		}
		n += st.Size()
	}
	return n
}
