package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/redthread/redthread/errs"
)

// checkInputs refuses, before anything is scanned, inputs that cannot be
// listings: a folder without saved web pages, or a file that is an image,
// a PDF or an archive. Missing files are left to the readers, which name
// them.
func checkInputs(op string, paths []string) error {
	for _, p := range paths {
		if p == "-" {
			continue
		}
		st, err := os.Stat(p)
		if err != nil {
			continue
		}
		if st.IsDir() {
			if !hasPages(p) {
				return &errs.Error{Op: op, Kind: errs.Invalid, Path: p, Err: errors.New(
					"no .html or .htm pages in this folder (a folder is read as saved web pages; name JSON Lines or CSV files directly)")}
			}
			continue
		}
		if kind := binaryKind(p); kind != "" {
			return &errs.Error{Op: op, Kind: errs.Invalid, Path: p, Err: fmt.Errorf(
				"this is %s, not listings (give JSON Lines, CSV, or a folder of saved HTML pages)", kind)}
		}
	}
	return nil
}

// hasPages reports whether dir holds a .html or .htm file at any depth.
func hasPages(dir string) bool {
	found := false
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || found {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			switch strings.ToLower(filepath.Ext(path)) {
			case ".html", ".htm":
				found = true
				return filepath.SkipAll
			}
		}
		return nil
	})
	return found
}

// binaryKind names what a file is when its first bytes say it is not text
// ("an image (image/jpeg)"), else "".
func binaryKind(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, 512)
	n, _ := io.ReadFull(f, buf)
	buf = buf[:n]
	if n == 0 {
		return ""
	}
	ct := http.DetectContentType(buf)
	switch {
	case strings.HasPrefix(ct, "image/"):
		return "an image (" + ct + ")"
	case strings.HasPrefix(ct, "audio/"), strings.HasPrefix(ct, "video/"):
		return "a media file (" + ct + ")"
	case ct == "application/pdf":
		return "a PDF document"
	case ct == "application/zip", ct == "application/x-gzip", ct == "application/x-rar-compressed", ct == "application/wasm":
		return "an archive or binary file (" + ct + ")"
	case ct == "application/octet-stream" && controlShare(buf) >= 0.1:
		// Mostly binary; a text file with a stray control byte is read,
		// and its bad line reported and skipped.
		return "a binary file"
	}
	return ""
}

// checkCountry refuses a --country that is not an ISO 3166-1 alpha-2 code
// with a numbering plan, and returns it upper-cased.
func checkCountry(c string) (string, error) {
	if c == "" {
		return "", nil
	}
	up := strings.ToUpper(strings.TrimSpace(c))
	if len(up) != 2 || !phonenumbers.GetSupportedRegions()[up] {
		return "", fmt.Errorf("%w: --country %s is not an ISO 3166-1 alpha-2 country code (for example RS, DE, GB)", errUsage, c)
	}
	return up, nil
}

// controlShare is the share of bytes in b that are control characters
// other than tab, newline and carriage return.
func controlShare(b []byte) float64 {
	n := 0
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			n++
		}
	}
	return float64(n) / float64(len(b))
}

// checkOutputDir refuses, before any work, an output file whose folder
// does not exist, naming the file asked for.
func checkOutputDir(out string) error {
	if out == "" || out == "-" {
		return nil
	}
	dir := filepath.Dir(out)
	st, err := os.Stat(dir)
	switch {
	case err != nil:
		return &errs.Error{Op: "cannot write", Kind: errs.IO, Path: out, Err: fmt.Errorf("the folder %s does not exist", dir)}
	case !st.IsDir():
		return &errs.Error{Op: "cannot write", Kind: errs.IO, Path: out, Err: fmt.Errorf("%s is not a folder", dir)}
	}
	return nil
}
