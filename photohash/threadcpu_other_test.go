//go:build !linux

package photohash

import "time"

func threadCPU() time.Duration { return 0 }

func peakRSS() int64 { return 0 }

func threadSwitches() int64 { return 0 }
