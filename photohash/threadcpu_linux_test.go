package photohash

import (
	"syscall"
	"time"
	"unsafe"
)

// threadCPU is the CPU time of the calling OS thread (clock_gettime CLOCK_THREAD_CPUTIME_ID,
// nanosecond precision; getrusage's thread times only advance by scheduler ticks): with the
// goroutine locked to its thread, the difference around a call is that call's CPU time,
// whatever else the machine runs.
func threadCPU() time.Duration {
	const clockThreadCPUTimeID = 3
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}

// peakRSS returns the process's peak resident set size in bytes (getrusage ru_maxrss, KiB on
// Linux), 0 if unknown.
func peakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024
}

// threadSwitches returns how many times the calling OS thread has been switched out
// (voluntary and involuntary context switches, getrusage RUSAGE_THREAD): a lookup during which
// it grew was interrupted, and pays for refilling the caches its neighbours evicted.
func threadSwitches() int64 {
	const rusageThread = 1
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0
	}
	return ru.Nvcsw + ru.Nivcsw
}
