// Package cputime measures the CPU time the process has used, for
// benchmarks that report throughput per CPU-second: on a shared, loaded
// machine wall-clock figures say more about the neighbours than the code.
package cputime

import "time"

// Process returns the user and system CPU time the process has used so far,
// on all its threads, or 0 where the system does not tell.
func Process() time.Duration { return process() }
