package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const statsInput = "../../stats/testdata/results.jsonl"

// runStatsCmd runs the command line in-process with env as the
// environment.
func runStatsCmd(t *testing.T, env map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb, func(k string) string { return env[k] })
	return code, out.String(), errb.String()
}

// onlyFiles lists the files of dir, to check no temporary file is left.
func onlyFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestStatsCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"SOURCE_DATE_EPOCH": "1795000000"}
	for _, name := range []string{"s.csv", "s.json", "s.parquet", "s.html"} {
		code, _, stderr := runStatsCmd(t, env, "stats", statsInput, "-o", filepath.Join(dir, name))
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", name, code, stderr)
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "s.json"))
	var doc struct {
		Meta struct {
			Results        int64
			ScannerVersion string `json:"scanner_version"`
			Created        string
			Inputs         []struct{ SHA256 string }
		}
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Meta.Results != 322 || doc.Meta.ScannerVersion != version || doc.Meta.Created != "2026-11-18T11:06:40Z" || len(doc.Meta.Inputs[0].SHA256) != 64 {
		t.Errorf("meta %+v", doc.Meta)
	}
	h, _ := os.ReadFile(filepath.Join(dir, "s.html"))
	if !bytes.Contains(h, []byte("<svg")) {
		t.Error("HTML report without charts")
	}
	code, stdout, _ := runStatsCmd(t, env, "stats", "--format", "csv", "--min-count", "10", statsInput)
	if code != 0 || !strings.HasPrefix(stdout, "# kind: redthread-stats\n") || !strings.Contains(stdout, "# min_count: 10\n") {
		t.Errorf("stdout csv: exit %d, %.200q", code, stdout)
	}
	if got := onlyFiles(t, dir); len(got) != 4 {
		t.Errorf("files left: %v", got)
	}
}

func TestStatsBadInput(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.jsonl")
	os.WriteFile(empty, nil, 0o644)
	listings := "../../corpus/devset/devset.jsonl"
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"empty", []string{"stats", empty, "-o", filepath.Join(dir, "out.csv")}, exitInput, "no scan results"},
		{"listings", []string{"stats", listings, "-o", filepath.Join(dir, "out.csv")}, exitInput, "redthread scan"},
		{"missing", []string{"stats", filepath.Join(dir, "nope.jsonl"), "-o", filepath.Join(dir, "out.csv")}, exitInput, "nope.jsonl"},
		{"no input", []string{"stats"}, exitUsage, "--index"},
		{"format", []string{"stats", "--format", "xls", statsInput}, exitUsage, "unknown format"},
		{"index", []string{"stats", "--index", dir}, exitConfig, "index"},
	}
	for _, tt := range tests {
		code, _, stderr := runStatsCmd(t, nil, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.msg) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q", tt.name, code, stderr, tt.code, tt.msg)
		}
	}
	if got := onlyFiles(t, dir); len(got) != 1 {
		t.Errorf("files left behind: %v", got)
	}
}

func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "export.key")
	os.WriteFile(keyFile, []byte("0123456789abcdef0123456789abcdef\n"), 0o600)
	out := filepath.Join(dir, "export.csv")

	code, _, stderr := runStatsCmd(t, nil, "export", statsInput, "-o", out)
	if code != exitConfig || !strings.Contains(stderr, "REDTHREAD_EXPORT_KEY") || !strings.Contains(stderr, "--key-file") {
		t.Errorf("without a key: exit %d, %q", code, stderr)
	}
	code, _, stderr = runStatsCmd(t, nil, "export", "--key-file", filepath.Join(dir, "missing.key"), statsInput, "-o", out)
	if code != exitConfig || !strings.Contains(stderr, "missing.key") {
		t.Errorf("missing key file: exit %d, %q", code, stderr)
	}
	code, _, stderr = runStatsCmd(t, map[string]string{"REDTHREAD_EXPORT_KEY": "short"}, "export", statsInput, "-o", out)
	if code != exitConfig || !strings.Contains(stderr, "at least") {
		t.Errorf("short key: exit %d, %q", code, stderr)
	}
	if got := onlyFiles(t, dir); len(got) != 1 {
		t.Fatalf("a refused export left files: %v", got)
	}

	code, _, stderr = runStatsCmd(t, nil, "export", "--key-file", keyFile, statsInput, "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fromFile, _ := os.ReadFile(out)
	code, fromEnv, _ := runStatsCmd(t, map[string]string{exportKeyEnv: "0123456789abcdef0123456789abcdef"}, "export", "-q", statsInput)
	if code != 0 {
		t.Fatal("export with the key in the environment failed")
	}
	// same key, same tokens; the created line may differ by a second
	strip := func(s string) string {
		var keep []string
		for _, l := range strings.Split(s, "\n") {
			if !strings.HasPrefix(l, "# created:") && !strings.HasPrefix(l, "# inputs:") {
				keep = append(keep, l)
			}
		}
		return strings.Join(keep, "\n")
	}
	if strip(string(fromFile)) != strip(fromEnv) {
		t.Error("the same key from a file and from the environment must give the same export")
	}
	for _, raw := range []string{"+447700900461", "447700900461", "eurojobs.recruit@gmail.com", "rabota_evropa24", "dev-en-001"} {
		if strings.Contains(string(fromFile), raw) {
			t.Errorf("export contains %q", raw)
		}
	}
	code, _, stderr = runStatsCmd(t, map[string]string{exportKeyEnv: "0123456789abcdef0123456789abcdef"}, "export", "-", "-o", out)
	if code != exitUsage || !strings.Contains(stderr, "stdin") {
		t.Errorf("export of stdin: exit %d %q", code, stderr)
	}
}

func TestStatsStdin(t *testing.T) {
	in, err := os.ReadFile(statsInput)
	if err != nil {
		t.Fatal(err)
	}
	in = append(in, []byte("not json\n")...)
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"stats", "--format", "json", "-"}, bytes.NewReader(in), &out, &errb, func(string) string { return "" })
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "- line 323") || strings.Contains(errb.String(), "not json") {
		t.Errorf("a bad line must be reported by place, not content: %q", errb.String())
	}
	if !strings.Contains(out.String(), `"results": 322`) || !strings.Contains(out.String(), `"skipped_lines": 1`) {
		t.Errorf("json output: %.300q", out.String())
	}
}
