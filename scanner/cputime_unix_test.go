//go:build unix

package scanner

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user+system) the process has used so
// far, on all its threads. Benchmarks report throughput per CPU-second
// because wall time is meaningless on a loaded machine.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
