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
		progressbar.OptionSetSpinnerChangeInterval(0), // see newCountProgress
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

// describe redraws the line (throttled) with a description of its own and,
// for a bar over counted items, done of total (total < 0: unknown).
func (p *progress) describe(desc string, done, total int64) {
	if p == nil {
		return
	}
	p.bar.Describe(desc)
	if total >= 0 {
		p.bar.ChangeMax64(max(total, done, 1))
	}
	p.bar.Set64(done)
}

// newCountProgress is newProgress for work counted in items (pages), not
// bytes of input.
func newCountProgress(e *env, show bool, what string) *progress {
	if !show {
		return nil
	}
	bar := progressbar.NewOptions64(-1,
		progressbar.OptionSetWriter(e.stderr),
		progressbar.OptionSetDescription(what),
		progressbar.OptionSetWidth(24),
		progressbar.OptionThrottle(500*time.Millisecond),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSpinnerType(14),
		// No spinner goroutine: progressbar's reads the bar's state without
		// its lock while Describe writes it (a data race under -race); the
		// line is redrawn on every update instead.
		progressbar.OptionSetSpinnerChangeInterval(0),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(e.stderr) }), // the last state stays
	)
	return &progress{bar: bar, read: new(atomic.Int64), start: time.Now()}
}

// tick redraws the line every half second, with desc's description and
// the bytes read so far, until the returned stop is called (which removes
// the line): for work that reports no progress of its own.
func (p *progress) tick(desc func() string) (stop func()) {
	if p == nil {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				p.bar.Describe(desc())
				p.bar.Set64(p.read.Load())
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		p.done()
	}
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
