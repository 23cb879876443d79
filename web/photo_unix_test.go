//go:build unix

package web

import (
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/redthread/redthread/corpus"
)

// TestOddPhotoFiles: a photo path that is a FIFO (no writer), a device, or
// a symbolic link out of the photo root answers 404 at once, and the
// server goes on serving; a link that stays inside the root is served.
// (Before, each FIFO request blocked an OS thread for good.)
func TestOddPhotoFiles(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
	root, outside := t.TempDir(), t.TempDir()
	for _, err := range []error{
		os.WriteFile(filepath.Join(root, "a.png"), png, 0o600),
		os.WriteFile(filepath.Join(outside, "secret.png"), png, 0o600),
		syscall.Mkfifo(filepath.Join(root, "fifo.png"), 0o600),
		os.Symlink(filepath.Join(outside, "secret.png"), filepath.Join(root, "escape.png")),
		os.Symlink("a.png", filepath.Join(root, "inside.png")),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	paths := []string{"a.png", "fifo.png", "escape.png", "inside.png", "/dev/zero", filepath.Join(root, "fifo.png")}
	for _, c := range []struct {
		name, root string
		want       []int // per path
	}{
		{"with a photo root", root, []int{200, 404, 404, 200, 404, 404}},
		{"without a photo root", "", []int{404, 404, 404, 404, 404, 404}}, // relative to the working folder: not there
	} {
		t.Run(c.name, func(t *testing.T) {
			a := newApp(t, func(rs []corpus.Result) {
				for i := range rs {
					if rs[i].ID == "gr-esc-102" {
						rs[i].Photos = nil
						for _, p := range paths {
							rs[i].Photos = append(rs[i].Photos, corpus.Photo{Path: p})
						}
					}
				}
			}, c.root)
			cl, _ := a.login(t, "vic")
			for round := range 50 { // many requests: none may pin a thread
				for i := range paths {
					code, _, _ := get(t, cl, a.srv.URL+"/photo/gr-esc-102/"+itoa(i))
					if code != c.want[i] && round == 0 {
						t.Errorf("%s: %d, want %d", paths[i], code, c.want[i])
					}
				}
			}
			if code, _, _ := get(t, cl, a.srv.URL+"/api/me"); code != http.StatusOK {
				t.Errorf("server after odd photos: %d", code)
			}
		})
	}
}
