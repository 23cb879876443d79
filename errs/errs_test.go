package errs

import (
	"errors"
	"io/fs"
	"testing"
)

func TestErrorMessageAndKind(t *testing.T) {
	tests := []struct {
		err  error
		want string
		kind Kind
	}{
		{&Error{Op: "read jsonl", Kind: Invalid, Path: "ads.jsonl", Line: 7, Err: errors.New("unexpected end of JSON input")},
			"read jsonl ads.jsonl line 7: unexpected end of JSON input", Invalid},
		{&Error{Op: "load rules", Kind: Config, Path: "pack.yaml", Line: 3, ID: "job.urgency", Err: errors.New("unknown field foo")},
			"load rules pack.yaml line 3 (job.urgency): unknown field foo", Config},
		{E("scan", IO, fs.ErrNotExist), "scan: file does not exist", IO},
		{E("scan", E("open", Config, "bad")), "scan: open: bad", Config},
		{E("scan"), "scan", Other},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
		if got := KindOf(tt.err); got != tt.kind {
			t.Errorf("KindOf(%q) = %v, want %v", tt.want, got, tt.kind)
		}
	}
	if !errors.Is(E("scan", IO, fs.ErrNotExist), fs.ErrNotExist) {
		t.Error("wrapped error not found by errors.Is")
	}
}
