package photohash

import (
	"syscall"
	"time"
)

// threadCPU is the CPU time of the calling OS thread (getrusage RUSAGE_THREAD, µs precision):
// with the goroutine locked to its thread, the difference around a call is that call's CPU
// time, whatever else the machine runs.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
