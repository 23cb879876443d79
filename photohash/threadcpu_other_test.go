//go:build !linux

package photohash

import "time"

func threadCPU() time.Duration { return 0 }
