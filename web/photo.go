package web

import (
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/redthread/redthread/internal/safefile"
)

// maxPhotoBytes caps a served photo.
const maxPhotoBytes = 20 << 20

// photoName resolves a listing photo's local path: with a photo root, the
// name relative to it (absolute paths must lie inside it); without one,
// the cleaned path.
func (s *Server) photoName(p string) (string, bool) {
	if p == "" || strings.ContainsRune(p, 0) {
		return "", false
	}
	root := s.cfg.PhotoRoot
	if root == "" {
		return filepath.Clean(p), true
	}
	if !filepath.IsAbs(p) {
		return filepath.Clean(p), true
	}
	rootAbs, err := filepath.Abs(root)
	if err != nil {
		return "", false
	}
	rel, err := filepath.Rel(rootAbs, filepath.Clean(p))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return rel, true
}

// openPhoto opens a regular file only, without blocking on a FIFO or a
// device; with a photo root, only inside it: a name or a symbolic link
// that leads out of the root is refused.
func (s *Server) openPhoto(name string) (*os.File, fs.FileInfo, error) {
	if s.cfg.PhotoRoot == "" {
		return safefile.Open(name)
	}
	root, err := os.OpenRoot(s.cfg.PhotoRoot)
	if err != nil {
		return nil, nil, err
	}
	defer root.Close()
	return safefile.OpenIn(root, name)
}

// handlePhoto serves a listing's local photo, only when the file is an
// image. Remote photos are never fetched.
func (s *Server) handlePhoto(w http.ResponseWriter, r *http.Request) {
	res, err := s.cfg.Index.Get(r.PathValue("id"))
	if err != nil {
		code, msg := statusFor(err)
		s.fail(w, r, false, code, msg, errIfServer(code, err))
		return
	}
	n, err := strconv.Atoi(r.PathValue("n"))
	photos := photosOf(res)
	if err != nil || n < 0 || n >= len(photos) {
		http.NotFound(w, r)
		return
	}
	name, ok := s.photoName(photos[n].Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	f, fi, err := s.openPhoto(name)
	if err != nil {
		s.log.Debug("photo not served", "err", err)
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	if fi.Size() > maxPhotoBytes {
		http.NotFound(w, r)
		return
	}
	head := make([]byte, 512)
	k, _ := io.ReadFull(f, head)
	ct := http.DetectContentType(head[:k])
	switch ct {
	case "image/jpeg", "image/png", "image/gif", "image/webp", "image/bmp":
	default:
		http.NotFound(w, r)
		return
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	w.Header().Set("Content-Length", strconv.FormatInt(fi.Size(), 10))
	_, _ = io.CopyN(w, f, fi.Size())
}
