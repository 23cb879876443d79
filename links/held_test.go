package links

import (
	"os"
	"testing"

	"github.com/redthread/redthread/corpus"
)

// Images the crawler fetched are hashed from memory, once per URL, and
// link the listings that show them.
func TestHeldImagesLinkListings(t *testing.T) {
	data, err := os.ReadFile("../photohash/testdata/pdq/reg-test-input/dih/bridge-1-original.jpg")
	if err != nil {
		t.Fatal(err)
	}
	r := newRegistry(t, Config{})
	r.HoldImage("https://img.example/a.jpg", data)
	r.HoldImage("https://img.example/bad.jpg", []byte("not an image"))
	ls := []*corpus.Listing{
		{ID: "a", Kind: "escort", Body: "Sweet girl in Athens, call me.", Images: []corpus.Image{{URL: "https://img.example/a.jpg"}}},
		{ID: "b", Kind: "escort", Body: "New lady in Sofia this week.", Images: []corpus.Image{{URL: "https://img.example/a.jpg"}, {URL: "https://img.example/bad.jpg"}}},
	}
	fs := linkAll(t, r, ls)
	if got := linked(fs[0], SourceReusedPhoto); len(got) != 1 || got[0] != "b" {
		t.Errorf("a links by photo to %v, want [b]", got)
	}
	if len(fs[1].Out.Photos) != 2 || fs[1].Out.Photos[0].PDQ == "" || fs[1].Out.Photos[0].URL == "" {
		t.Errorf("photos of b: %+v", fs[1].Out.Photos)
	}
	if len(fs[1].Out.Warnings) == 0 {
		t.Error("no warning for the unreadable image")
	}
	r.imu.Lock()
	defer r.imu.Unlock()
	for url, h := range r.held {
		if h.data != nil {
			t.Errorf("image body of %s still held after hashing", url)
		}
	}
}
