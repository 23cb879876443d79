package stats

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/redthread/redthread/errs"
)

// Format is an output format.
type Format string

// Output formats.
const (
	CSV     Format = "csv"
	JSON    Format = "json"
	Parquet Format = "parquet"
	HTML    Format = "html"
)

// ParseFormat returns the format named by name, or, when name is empty, the
// one implied by path's extension (CSV when there is none).
func ParseFormat(name, path string) (Format, error) {
	if name == "" {
		switch strings.ToLower(filepath.Ext(path)) {
		case ".json", ".jsonl":
			return JSON, nil
		case ".parquet", ".pq":
			return Parquet, nil
		case ".html", ".htm":
			return HTML, nil
		}
		return CSV, nil
	}
	switch f := Format(strings.ToLower(name)); f {
	case CSV, JSON, Parquet, HTML:
		return f, nil
	}
	return "", errs.E("output format", errs.Config, fmt.Sprintf("unknown format %q (want csv, json, parquet or html)", name))
}

// reportDims and reportMeasures are the union of every table's columns, the
// flat layout CSV and Parquet use.
var (
	reportDims     = []string{"indicator", "indicator_b", "kind", "source", "country", "language", "week", "score_bin", "level", "network_size"}
	reportMeasures = []string{"listings", "flagged", "networks"}
)

// Write renders rep in format f.
func (rep *Report) Write(w io.Writer, f Format) error {
	switch f {
	case CSV:
		return rep.WriteCSV(w)
	case JSON:
		return rep.WriteJSON(w)
	case Parquet:
		return rep.WriteParquet(w)
	case HTML:
		return rep.WriteHTML(w)
	}
	return errs.E("write stats", errs.Config, fmt.Sprintf("unknown format %q", f))
}

// writeComments writes the metadata as "# key: value" lines.
func writeComments(w io.Writer, m *Meta) error {
	for _, kv := range m.Pairs() {
		if _, err := fmt.Fprintf(w, "# %s: %s\n", kv[0], oneLine(kv[1])); err != nil {
			return err
		}
	}
	return nil
}

func oneLine(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
}

// csvSafe defuses cells a spreadsheet would run as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// WriteCSV writes every table into one CSV: "# key: value" metadata lines,
// a header, then one row per table row with a "table" column and the union
// of all tables' columns (empty where a table has no such column). Each
// measure has a "<measure>_suppressed" column: "true" with an empty value
// when the count is suppressed.
func (rep *Report) WriteCSV(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if err := writeComments(bw, &rep.Meta); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	head := append([]string{"table"}, reportDims...)
	for _, m := range reportMeasures {
		head = append(head, m, m+"_suppressed")
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	rec := make([]string, len(head))
	for _, t := range rep.Tables {
		dimCol, mCol := columnsOf(t)
		for _, r := range t.Rows {
			clear(rec)
			rec[0] = t.Name
			for i, v := range r.Dims {
				rec[1+dimCol[i]] = csvSafe(v)
			}
			for i, v := range r.Values {
				c := 1 + len(reportDims) + 2*mCol[i]
				if v.Suppressed {
					rec[c+1] = "true"
				} else {
					rec[c] = strconv.FormatInt(v.N, 10)
					rec[c+1] = "false"
				}
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// columnsOf maps a table's dims and measures to their union column index.
func columnsOf(t *Table) (dims, measures []int) {
	for _, d := range t.Dims {
		dims = append(dims, indexOf(reportDims, d))
	}
	for _, m := range t.Measures {
		measures = append(measures, indexOf(reportMeasures, m))
	}
	return
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	panic("stats: column " + s + " missing from the union layout") // a bug in this package, not input
}

// WriteJSON writes {"meta": ..., "tables": [...]}; each table lists its
// rows as objects of its own columns in order, a suppressed count as null
// with its measure named in the row's "suppressed" array.
func (rep *Report) WriteJSON(w io.Writer) error {
	bw := bufio.NewWriter(w)
	meta, err := json.MarshalIndent(rep.Meta, "", "  ")
	if err != nil {
		return err
	}
	bw.WriteString("{\"meta\": ")
	bw.Write(meta)
	bw.WriteString(",\n\"tables\": [")
	for ti, t := range rep.Tables {
		if ti > 0 {
			bw.WriteString(",")
		}
		fmt.Fprintf(bw, "\n{\"name\": %s, \"title\": %s, \"dims\": %s, \"measures\": %s, \"rows\": [",
			jsonString(t.Name), jsonString(t.Title), jsonStrings(t.Dims), jsonStrings(t.Measures))
		for ri, r := range t.Rows {
			if ri > 0 {
				bw.WriteString(",")
			}
			bw.WriteString("\n {")
			sep := ""
			for i, d := range t.Dims {
				fmt.Fprintf(bw, "%s%s: %s", sep, jsonString(d), jsonString(r.Dims[i]))
				sep = ", "
			}
			var sup []string
			for i, m := range t.Measures {
				if r.Values[i].Suppressed {
					fmt.Fprintf(bw, "%s%s: null", sep, jsonString(m))
					sup = append(sup, m)
				} else {
					fmt.Fprintf(bw, "%s%s: %d", sep, jsonString(m), r.Values[i].N)
				}
				sep = ", "
			}
			if sup != nil {
				fmt.Fprintf(bw, ", \"suppressed\": %s", jsonStrings(sup))
			}
			bw.WriteString("}")
		}
		bw.WriteString("]}")
	}
	bw.WriteString("\n]}\n")
	return bw.Flush()
}

func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

func jsonStrings(s []string) string {
	if s == nil {
		s = []string{}
	}
	parts := make([]string, len(s))
	for i, v := range s {
		parts[i] = jsonString(v)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// parquetRow is the flat layout of the Parquet file: absent columns and
// suppressed counts are null; the *_suppressed columns tell them apart.
type parquetRow struct {
	Table              string  `parquet:"table"`
	Indicator          *string `parquet:"indicator,optional"`
	IndicatorB         *string `parquet:"indicator_b,optional"`
	Kind               *string `parquet:"kind,optional"`
	Source             *string `parquet:"source,optional"`
	Country            *string `parquet:"country,optional"`
	Language           *string `parquet:"language,optional"`
	Week               *string `parquet:"week,optional"`
	ScoreBin           *string `parquet:"score_bin,optional"`
	Level              *string `parquet:"level,optional"`
	NetworkSize        *string `parquet:"network_size,optional"`
	Listings           *int64  `parquet:"listings,optional"`
	ListingsSuppressed *bool   `parquet:"listings_suppressed,optional"`
	Flagged            *int64  `parquet:"flagged,optional"`
	FlaggedSuppressed  *bool   `parquet:"flagged_suppressed,optional"`
	Networks           *int64  `parquet:"networks,optional"`
	NetworksSuppressed *bool   `parquet:"networks_suppressed,optional"`
}

func (p *parquetRow) dim(i int) **string {
	return [...]**string{&p.Indicator, &p.IndicatorB, &p.Kind, &p.Source, &p.Country, &p.Language, &p.Week, &p.ScoreBin, &p.Level, &p.NetworkSize}[i]
}

func (p *parquetRow) measure(i int) (**int64, **bool) {
	switch i {
	case 0:
		return &p.Listings, &p.ListingsSuppressed
	case 1:
		return &p.Flagged, &p.FlaggedSuppressed
	}
	return &p.Networks, &p.NetworksSuppressed
}

// WriteParquet writes the same flat layout as WriteCSV as a Parquet file,
// with the metadata as key-value metadata.
func (rep *Report) WriteParquet(w io.Writer) error {
	var opts []parquet.WriterOption
	for _, kv := range rep.Meta.Pairs() {
		opts = append(opts, parquet.KeyValueMetadata(kv[0], kv[1]))
	}
	pw := parquet.NewGenericWriter[parquetRow](w, opts...)
	var batch []parquetRow
	for _, t := range rep.Tables {
		dimCol, mCol := columnsOf(t)
		for _, r := range t.Rows {
			p := parquetRow{Table: t.Name}
			for i, v := range r.Dims {
				*p.dim(dimCol[i]) = &v
			}
			for i, v := range r.Values {
				n, s := p.measure(mCol[i])
				sup := v.Suppressed
				*s = &sup
				if !sup {
					val := v.N
					*n = &val
				}
			}
			batch = append(batch, p)
			if len(batch) == 4096 {
				if _, err := pw.Write(batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
	}
	if _, err := pw.Write(batch); err != nil {
		return err
	}
	return pw.Close()
}
