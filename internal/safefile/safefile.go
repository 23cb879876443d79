// Package safefile opens files named by untrusted data (a listing's photo
// path) without hanging and without leaving a folder: only regular files
// are opened, checked by name before the open and on the open file after
// it; the open itself is non-blocking, so a FIFO or a device named by
// mistake or malice cannot block the thread that opens it.
package safefile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/redthread/redthread/errs"
)

// ErrNotRegular is wrapped by the error for a path that is not a regular
// file (a FIFO, a device, a socket, a folder).
var ErrNotRegular = errors.New("not a regular file")

// Open opens path for reading when it is a regular file (symbolic links
// are followed). The error is of kind errs.Invalid for other files,
// errs.NotExist for a missing one and errs.IO otherwise.
func Open(path string) (*os.File, fs.FileInfo, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, fail(path, err)
	}
	if err := regular(path, fi); err != nil {
		return nil, nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, nil, fail(path, err)
	}
	return checkOpen(f, path)
}

// OpenIn opens name inside root for reading when it is a regular file.
// Symbolic links are followed only while they stay inside root; a name or
// link that leads out of it is refused (errs.Invalid).
func OpenIn(root *os.Root, name string) (*os.File, fs.FileInfo, error) {
	fi, err := root.Stat(name)
	if err != nil {
		return nil, nil, fail(name, err)
	}
	if err := regular(name, fi); err != nil {
		return nil, nil, err
	}
	f, err := root.OpenFile(name, os.O_RDONLY|nonBlock, 0)
	if err != nil {
		return nil, nil, fail(name, err)
	}
	return checkOpen(f, name)
}

// checkOpen checks the open file itself: the path may have been replaced
// between the check by name and the open.
func checkOpen(f *os.File, path string) (*os.File, fs.FileInfo, error) {
	fi, err := f.Stat()
	if err == nil {
		err = regular(path, fi)
	} else {
		err = fail(path, err)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fi, nil
}

func regular(path string, fi fs.FileInfo) error {
	if fi.Mode().IsRegular() {
		return nil
	}
	what := "special file"
	switch t := fi.Mode().Type(); {
	case fi.IsDir():
		what = "folder"
	case t&fs.ModeNamedPipe != 0:
		what = "named pipe (FIFO)"
	case t&fs.ModeDevice != 0 || t&fs.ModeCharDevice != 0:
		what = "device"
	case t&fs.ModeSocket != 0:
		what = "socket"
	}
	return &errs.Error{Op: "open", Kind: errs.Invalid, Path: path, Err: fmt.Errorf("%w: a %s", ErrNotRegular, what)}
}

func fail(path string, err error) error {
	kind := errs.IO
	switch {
	case errors.Is(err, fs.ErrNotExist):
		kind = errs.NotExist
	case isEscape(err):
		kind = errs.Invalid
	}
	return &errs.Error{Op: "open", Kind: kind, Path: path, Err: err}
}

// isEscape reports whether err is os.Root refusing a path that leaves it.
func isEscape(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && pe.Err != nil && pe.Err.Error() == "path escapes from parent"
}
