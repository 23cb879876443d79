//go:build unix

package safefile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/redthread/redthread/errs"
)

// files makes, in a fresh folder: a regular file, a FIFO with no writer,
// links to both, a folder, and outside the folder a regular file with a
// link to it from inside.
func files(t *testing.T) (dir, outside string) {
	t.Helper()
	dir, outside = t.TempDir(), t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "photo.jpg"), []byte("jpeg"), 0o600))
	must(syscall.Mkfifo(filepath.Join(dir, "fifo.jpg"), 0o600))
	must(os.Symlink("photo.jpg", filepath.Join(dir, "link.jpg")))
	must(os.Symlink("fifo.jpg", filepath.Join(dir, "fifolink.jpg")))
	must(os.Mkdir(filepath.Join(dir, "sub"), 0o700))
	must(os.WriteFile(filepath.Join(outside, "secret.jpg"), []byte("secret"), 0o600))
	must(os.Symlink(filepath.Join(outside, "secret.jpg"), filepath.Join(dir, "escape.jpg")))
	must(os.Symlink("../../"+filepath.Base(outside)+"/secret.jpg", filepath.Join(dir, "sub", "escape2.jpg")))
	return dir, outside
}

func TestOpen(t *testing.T) {
	dir, outside := files(t)
	for _, c := range []struct {
		name string
		kind errs.Kind // 0: opens
		want string
	}{
		{"photo.jpg", 0, "jpeg"},
		{"link.jpg", 0, "jpeg"},
		{"escape.jpg", 0, "secret"}, // Open has no root: links are followed
		{"fifo.jpg", errs.Invalid, ""},
		{"fifolink.jpg", errs.Invalid, ""},
		{"sub", errs.Invalid, ""},
		{"missing.jpg", errs.NotExist, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, _, err := Open(filepath.Join(dir, c.name))
			check(t, f, err, c.kind, c.want)
		})
	}
	if _, _, err := Open("/dev/zero"); !errors.Is(err, ErrNotRegular) {
		t.Errorf("/dev/zero: %v", err)
	}
	_ = outside
}

func TestOpenIn(t *testing.T) {
	dir, outside := files(t)
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	for _, c := range []struct {
		name string
		kind errs.Kind
		want string
	}{
		{"photo.jpg", 0, "jpeg"},
		{"link.jpg", 0, "jpeg"},
		{"sub/../photo.jpg", 0, "jpeg"},
		{"fifo.jpg", errs.Invalid, ""},
		{"fifolink.jpg", errs.Invalid, ""},
		{"escape.jpg", errs.Invalid, ""},
		{"sub/escape2.jpg", errs.Invalid, ""},
		{"../" + filepath.Base(outside) + "/secret.jpg", errs.Invalid, ""},
		{filepath.Join(outside, "secret.jpg"), errs.Invalid, ""},
		{"missing.jpg", errs.NotExist, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, _, err := OpenIn(root, c.name)
			check(t, f, err, c.kind, c.want)
		})
	}
}

func check(t *testing.T, f *os.File, err error, kind errs.Kind, want string) {
	t.Helper()
	if kind != 0 {
		if f != nil || errs.KindOf(err) != kind {
			t.Errorf("error %v (kind %v), want kind %v", err, errs.KindOf(err), kind)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(f)
	if err != nil || string(b) != want {
		t.Errorf("read %q %v, want %q", b, err, want)
	}
}
