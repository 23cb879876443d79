//go:build !unix

package scanner

import "time"

// processCPU is not measured on this system; CPU metrics are then omitted.
func processCPU() time.Duration { return 0 }
