package photohash

import (
	"github.com/redthread/redthread/internal/cputime"
	"os"
	"testing"
)

// cpuTime returns the process's user+system CPU time in nanoseconds. Benchmarks report it per
// op besides wall time, because the shared benchmark machine is often loaded by other jobs.
func cpuTime() int64 { return int64(cputime.Process()) }

// loopCPU runs f in b.Loop and reports CPU ms per op.
func loopCPU(b *testing.B, f func()) {
	start := cpuTime()
	n := 0
	for b.Loop() {
		f()
		n++
	}
	b.ReportMetric(float64(cpuTime()-start)/1e6/float64(n), "cpu-ms/op")
}

// BenchmarkHashFile reports, for a 1600×1004 JPEG and a 1432×812 PNG, the decode time (read +
// DecodeConfig + decode + EXIF) and the hashing time (shrink + PDQ + 18 region PDQs + pHash)
// separately, and the whole HashFile.
func BenchmarkHashFile(b *testing.B) {
	for _, tc := range []struct{ name, path string }{
		{"jpeg1600x1004", "testdata/pdq/reg-test-input/dih/bridge-1-original.jpg"},
		{"png1432x812", "testdata/pdq/misc-images/c.png"},
	} {
		b.Run(tc.name+"/decode", func(b *testing.B) {
			loopCPU(b, func() {
				if _, err := DecodeFile(tc.path, DefaultLimits); err != nil {
					b.Fatal(err)
				}
			})
		})
		img, err := DecodeFile(tc.path, DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name+"/hash", func(b *testing.B) {
			b.ReportAllocs()
			loopCPU(b, func() {
				if _, err := HashImage(img); err != nil {
					b.Fatal(err)
				}
			})
		})
		b.Run(tc.name+"/total", func(b *testing.B) {
			loopCPU(b, func() {
				if _, err := HashFile(tc.path, DefaultLimits); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// BenchmarkPDQReference is Meta's algorithm at full resolution (no shrink), for comparison.
func BenchmarkPDQReference(b *testing.B) {
	f, err := os.Open("testdata/pdq/reg-test-input/dih/bridge-1-original.jpg")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	img, err := Decode(f, DefaultLimits)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := PDQ(img); err != nil {
			b.Fatal(err)
		}
	}
}
