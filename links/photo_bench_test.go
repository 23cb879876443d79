package links

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/corona10/goimagehash"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators"
)

// benchPhotos lists the photos BenchmarkPhotoThroughput reads: every JPEG and PNG under
// $REDTHREAD_PHOTOS (photohash/testdata/fetch-study-photos.sh), else the PDQ reference images
// in photohash/testdata.
func benchPhotos(b *testing.B) []string {
	root := os.Getenv("REDTHREAD_PHOTOS")
	if root == "" {
		root = "../photohash/testdata/pdq"
	}
	var files []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		ext := strings.ToLower(filepath.Ext(p))
		if err == nil && !d.IsDir() && (ext == ".jpg" || ext == ".jpeg" || ext == ".png") {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	if len(files) == 0 {
		b.Skip("no photos under " + root)
	}
	return files
}

// parallel runs fn(i) for i in 0..n-1 on GOMAXPROCS goroutines and returns the wall time.
func parallel(n int, fn func(i int)) time.Duration {
	start := time.Now()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
	return time.Since(start)
}

// BenchmarkPhotoThroughput measures, in one run on the same files and on GOMAXPROCS cores
// (run with -cpu 2 for the README figure), listings with one photo linked per second — read,
// decode, every hash (whole photo, masks, crop windows, pHash), Add and Link against the
// registry of the photos linked so far — against reading, decoding with image.Decode and
// hashing with stock goimagehash.PerceptionHash. ratio > 1: redthread is faster.
func BenchmarkPhotoThroughput(b *testing.B) {
	files := benchPhotos(b)
	var ours, stock time.Duration
	n := 0
	// The two alternate chunk by chunk, so that the load of the shared machine falls on both
	// alike.
	const chunk = 8
	for b.Loop() {
		r, err := New(Config{})
		if err != nil {
			b.Fatal(err)
		}
		for lo := 0; lo < len(files); lo += chunk {
			part := files[lo:min(len(files), lo+chunk)]
			ours += parallel(len(part), func(i int) {
				l := &corpus.Listing{ID: fmt.Sprintf("p%05d", lo+i), Body: "photo", Images: []corpus.Image{{Path: part[i]}}}
				f := &indicators.Features{ID: l.ID}
				r.Prepare(context.Background(), l, f)
				r.Add(l, f)
				r.Link(l, f)
				if len(f.Out.Photos) != 1 || f.Out.Photos[0].Error != "" {
					b.Errorf("%s: %+v", part[i], f.Out.Photos)
				}
			})
			stock += parallel(len(part), func(i int) {
				fh, err := os.Open(part[i])
				if err != nil {
					b.Error(err)
					return
				}
				defer fh.Close()
				img, _, err := image.Decode(fh)
				if err != nil {
					b.Errorf("%s: %v", part[i], err)
					return
				}
				if _, err := goimagehash.PerceptionHash(img); err != nil {
					b.Error(err)
				}
			})
		}
		n += len(files)
	}
	b.ReportMetric(float64(n)/ours.Seconds(), "redthread-photos/s")
	b.ReportMetric(float64(n)/stock.Seconds(), "goimagehash-photos/s")
	b.ReportMetric(stock.Seconds()/ours.Seconds(), "ratio")
	b.ReportMetric(float64(len(files)), "files")
}
