package cluster

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/internal/svctest"
)

// TestClusterAgreesWithScan scans the same input with one process and with
// submit + 2 workers + collect, and requires the same final result for
// every listing: indicators, scores, evidence, link sets. The input has
// repost families with and without contacts spread over it, a switchboard
// number beyond the generic limit, and two listings sharing a phone that
// two workers hold at the same moment: each worker has written its
// listing's entry and neither has read the registry yet.
// REDTHREAD_CLUSTER_N sets the size (2,000; the README's figure is 20,000).
func TestClusterAgreesWithScan(t *testing.T) {
	n := 2000
	if v := os.Getenv("REDTHREAD_CLUSTER_N"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			t.Fatal(err)
		}
	}
	in := testInput(t, n, 5)
	// Two listings in different batches sharing one phone.
	pa, pb := n/2, n/2+40
	a, b := *in[pa], *in[pb]
	a.ID, b.ID = "pair-a", "pair-b"
	a.Body += "\nCall or WhatsApp +44 7700 900461"
	b.Body += "\nText me on +447700900461"
	in[pa], in[pb] = &a, &b

	start := time.Now()
	want := singleScan(t, in)
	t.Logf("single scan: %d listings in %v", len(want), time.Since(start))
	linked, generic := linkedCount(want)
	if linked < n/5 || generic < 50 {
		t.Fatalf("input too easy: %d linked, %d with a generic key", linked, generic)
	}

	_, natsURL := svctest.StartNATS(t)
	_, redisURL := svctest.StartRedis(t)
	c := newCluster(t, natsURL, redisURL)
	st := c.submit(in)
	if st.Submitted != n {
		t.Fatalf("submit: %+v", st)
	}
	if again := c.submit(in[:50]); again.Submitted != 0 || again.Duplicates != 50 {
		t.Errorf("resubmission not deduplicated: %+v", again)
	}

	// The barrier: the worker that holds pair-a waits after writing its
	// entry until the other has written pair-b's.
	var mu sync.Mutex
	who := map[string]int{}
	put := map[string]chan struct{}{"pair-a": make(chan struct{}), "pair-b": make(chan struct{})}
	other := map[string]string{"pair-a": "pair-b", "pair-b": "pair-a"}
	for w := range 2 {
		c.worker(func(cfg *WorkerConfig) {
			cfg.afterPut = func(ls []*corpus.Listing) {
				for _, l := range ls {
					ch, ok := put[l.ID]
					if !ok {
						continue
					}
					mu.Lock()
					_, again := who[l.ID]
					if again {
						t.Errorf("%s was delivered again", l.ID)
					} else {
						who[l.ID] = w
						close(ch)
					}
					mu.Unlock()
					if again {
						continue
					}
					select {
					case <-put[other[l.ID]]:
					case <-time.After(60 * time.Second):
						t.Errorf("%s: the other listing of the pair was never written", l.ID)
					}
				}
			}
		})
	}
	start = time.Now()
	got, firsts, cst := c.collect()
	t.Logf("cluster: %v; %s", time.Since(start), cst)
	c.stopWorkers()
	compare(t, got, want)
	if len(firsts) != len(want) {
		t.Errorf("%d first results for %d listings", len(firsts), len(want))
	}
	slices.Sort(firsts)
	if len(slices.Compact(firsts)) != len(firsts) {
		t.Error("a listing has two first results")
	}
	mu.Lock()
	if who["pair-a"] == who["pair-b"] {
		t.Errorf("the pair was scanned by one worker (%v), not two at once", who)
	}
	mu.Unlock()
	for _, id := range []string{"pair-a", "pair-b"} {
		if !strings.Contains(got[id], `"linked":["`+other[id]+`"]`) {
			t.Errorf("%s does not link %s: %s", id, other[id], got[id])
		}
	}
	fmt.Fprintf(os.Stderr, "cluster equivalence: %d listings, %d revisions, %d dropped\n", cst.Listings, cst.Revised, cst.Dropped)
}

// TestClusterPhotos: listings whose photos are the same picture (one
// mirrored) link by photo in cluster mode as in a single scan.
func TestClusterPhotos(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 4))
	img := image.NewGray(image.Rect(0, 0, 96, 96))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.IntN(256))
	}
	mirror := image.NewGray(img.Rect)
	other := image.NewGray(img.Rect)
	for y := range 96 {
		for x := range 96 {
			mirror.SetGray(95-x, y, img.GrayAt(x, y))
			other.SetGray(x, y, color.Gray{uint8(rng.IntN(256))})
		}
	}
	paths := map[string]image.Image{"a.png": img, "b.png": mirror, "c.png": other}
	for name, im := range paths {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := png.Encode(f, im); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	in := testInput(t, 150, 9)
	for i, name := range map[int]string{5: "a.png", 80: "b.png", 140: "c.png", 141: "a.png"} {
		l := *in[i]
		l.Images = []corpus.Image{{Path: filepath.Join(dir, name)}}
		in[i] = &l
	}
	want := singleScan(t, in)
	if n := strings.Count(fmt.Sprint(want), "network.reused_photo"); n < 3 {
		t.Fatalf("the photos link %d listings in a single scan, want 3", n)
	}
	_, natsURL := svctest.StartNATS(t)
	_, redisURL := svctest.StartRedis(t)
	c := newCluster(t, natsURL, redisURL)
	c.submit(in)
	c.worker(nil)
	c.worker(nil)
	got, _, _ := c.collect()
	c.stopWorkers()
	compare(t, got, want)
}
