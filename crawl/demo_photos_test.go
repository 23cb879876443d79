package crawl

import (
	"bytes"
	"image/jpeg"
	"testing"

	"github.com/redthread/redthread/photohash"
)

// Every image name of the demo corpus gets a tile of a real photo, the
// same name always the same bytes, and no two tiles look alike to the
// photo matcher: otherwise the demo would link ads that share no photo.
func TestDemoPhotoTiles(t *testing.T) {
	ls, err := DemoCorpus()
	if err != nil {
		t.Fatal(err)
	}
	tiles := demoTileNames(ls)
	if len(tiles) == 0 || len(tiles) > demoTileCount() {
		t.Fatalf("%d names with tiles, %d tiles", len(tiles), demoTileCount())
	}
	distinct := map[string]bool{}
	for _, l := range ls {
		for i, im := range l.Images {
			distinct[demoImageName(l, i, im.URL)] = true
		}
	}
	if len(tiles) != len(distinct) {
		t.Errorf("%d of %d image names have a photo tile", len(tiles), len(distinct))
	}
	sets := make([]photohash.Set, demoTileCount())
	for n := range demoTileCount() {
		data := demoTile(n, true)
		if !bytes.Equal(data, demoTile(n, true)) {
			t.Fatalf("tile %d differs between calls", n)
		}
		img, err := jpeg.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if sets[n], err = photohash.HashImage(img); err != nil {
			t.Fatal(err)
		}
	}
	th := photohash.DefaultThresholds()
	for i := range sets {
		for j := i + 1; j < len(sets); j++ {
			if d, ok := photohash.Match(sets[i], sets[j], th); ok {
				t.Errorf("tiles %d and %d match (distance %d)", i, j, d)
			}
		}
	}
}
