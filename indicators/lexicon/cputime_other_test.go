//go:build !unix

package lexicon

import "time"

// processCPU is unavailable on this platform.
func processCPU() time.Duration { return 0 }
