//go:build unix

package links

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user+system) used by the process so far.
// Benchmarks report it per op because wall time is unreliable on a loaded machine.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
