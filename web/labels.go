package web

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"strings"

	"github.com/redthread/redthread/errs"
)

//go:embed indicators.tsv
var labelsTSV string

// ReadLabels reads indicator labels: lines "ID<TAB>label"; blank lines and
// lines starting with # are skipped.
func ReadLabels(r io.Reader) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, label, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(id) == "" {
			return nil, &errs.Error{Op: "read indicator labels", Kind: errs.Config, Line: n, Err: fmt.Errorf("want ID<TAB>label, got %q", line)}
		}
		out[strings.TrimSpace(id)] = strings.TrimSpace(label)
	}
	if err := sc.Err(); err != nil {
		return nil, errs.E("read indicator labels", errs.IO, err)
	}
	return out, nil
}

func loadLabels() (map[string]string, error) { return ReadLabels(strings.NewReader(labelsTSV)) }

// label is the people's name of an indicator ID.
func (s *Server) label(id string) string {
	if l, ok := s.labels[id]; ok {
		return l
	}
	return id
}
