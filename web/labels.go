package web

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"

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

var (
	labelsOnce sync.Once
	labelsMap  map[string]string
)

// Label is the people's name of an indicator ID from the built-in labels
// (the ID itself when it has none), for pages outside the app such as the
// statistics report.
func Label(id string) string {
	labelsOnce.Do(func() { labelsMap, _ = loadLabels() })
	if l, ok := labelsMap[id]; ok {
		return l
	}
	return id
}

// StatsSearchURL is the app's search for the listings of a statistics
// row: an indicator, level or week filter, or a score range ("40-49",
// "90-100").
func StatsSearchURL(dim, value string) string {
	switch dim {
	case "indicators", "level", "week":
		return "/?" + url.Values{"f": {dim + ":" + value}}.Encode()
	case "score":
		lo, hi, ok := strings.Cut(value, "-")
		if !ok {
			return ""
		}
		return "/?" + url.Values{"q": {"score:>=" + lo + " score:<=" + hi}, "sort": {"score"}}.Encode()
	}
	return ""
}
