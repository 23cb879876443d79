package web

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// maxPhotoBytes caps a served photo.
const maxPhotoBytes = 20 << 20

// photoPath resolves a listing photo's local path under the photo root.
func (s *Server) photoPath(p string) (string, bool) {
	if p == "" || strings.ContainsRune(p, 0) {
		return "", false
	}
	root := s.cfg.PhotoRoot
	if root == "" {
		return filepath.Clean(p), true
	}
	rootAbs, err := filepath.Abs(root)
	if err != nil {
		return "", false
	}
	full := p
	if !filepath.IsAbs(full) {
		full = filepath.Join(rootAbs, p)
	}
	full = filepath.Clean(full)
	rel, err := filepath.Rel(rootAbs, full)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return full, true
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
	path, ok := s.photoPath(photos[n].Path)
	if !ok {
		http.NotFound(w, r)
		return
	}
	f, err := os.Open(path)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxPhotoBytes {
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
	_, _ = io.Copy(w, f)
}
