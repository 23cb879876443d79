//go:build !unix

package links

import "time"

// processCPU is unavailable on this platform.
func processCPU() time.Duration { return 0 }
