package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/links"
)

func init() {
	commands["networks"] = command{summary: "group linked scan results into networks (JSONL of results in; one JSON network per line out)", run: runNetworks}
}

// linkFlags configure the link registry of `redthread scan`.
type linkFlags struct {
	dir          string
	off          bool
	hashLists    stringList
	genericLimit int
	params       string
}

func addLinkFlags(fs *flag.FlagSet, lf *linkFlags) {
	fs.StringVar(&lf.dir, "links", "", "keep the link registry (contact, photo-hash and template keys) in `DIR`, so later scans link to this one")
	fs.BoolVar(&lf.off, "no-links", false, "do not link listings (no network.* indicators, no photo hashing)")
	fs.Var(&lf.hashLists, "hash-list", "known photo hashes `CSV` (hash,algorithm,list,label; label negative suppresses); repeatable")
	fs.IntVar(&lf.genericLimit, "generic-limit", 0, "a contact, photo or template shared by more than `N` listings is generic, not a link (0: from the link parameters, 50)")
	fs.StringVar(&lf.params, "link-params", "", "link parameters `YAML` overriding the embedded ones (see links/params.yaml)")
}

// check refuses --no-links together with a flag that configures linking.
func (lf *linkFlags) check() error {
	if !lf.off {
		return nil
	}
	var set []string
	if lf.dir != "" {
		set = append(set, "--links "+lf.dir)
	}
	if len(lf.hashLists) > 0 {
		set = append(set, "--hash-list")
	}
	if lf.genericLimit != 0 {
		set = append(set, "--generic-limit")
	}
	if lf.params != "" {
		set = append(set, "--link-params")
	}
	if len(set) > 0 {
		return fmt.Errorf("%w: --no-links turns linking off, so %s would be ignored; use one or the other", errUsage, strings.Join(set, ", "))
	}
	return nil
}

// registry builds the link registry the flags ask for (nil with --no-links).
func (lf *linkFlags) registry(e *env) (*links.Registry, error) {
	if err := lf.check(); err != nil {
		return nil, err
	}
	if lf.off {
		return nil, nil
	}
	p := links.DefaultParams()
	if lf.params != "" {
		var err error
		if p, err = links.LoadParamsFile(lf.params); err != nil {
			return nil, errs.E("links", errs.Config, err)
		}
	}
	if lf.genericLimit != 0 {
		p.GenericLimit = lf.genericLimit
	}
	cfg := links.Config{Params: &p, Log: e.log}
	if len(lf.hashLists) > 0 {
		cfg.HashList = links.NewHashList()
		for _, path := range lf.hashLists {
			if err := cfg.HashList.LoadFile(path); err != nil {
				return nil, errs.E("links", errs.Config, err)
			}
		}
	}
	if lf.dir != "" {
		st, err := links.OpenDir(lf.dir)
		if err != nil {
			return nil, errs.E("links", errs.IO, err)
		}
		cfg.Store = st
	}
	reg, err := links.New(cfg)
	if err != nil {
		if cfg.Store != nil {
			cfg.Store.Close()
		}
		return nil, errs.E("links", errs.Config, err)
	}
	return reg, nil
}

// runNetworks groups the listings of scan results into networks: connected
// components over the linked IDs of network.* hits. Time span and
// locations come from listings embedded in the results (scan
// --embed-listing); members known only as link targets (earlier batches
// not given) are listed as unscanned.
func runNetworks(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "networks", "[flags] RESULTS.jsonl|- ...")
	out := fs.String("o", "", "write networks to `FILE` instead of stdout")
	minSize := fs.Int("min-size", 2, "smallest network to write")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return fmt.Errorf("%w: name at least one scan result file, or - for stdin", errUsage)
	}
	g := links.NewGrouper()
	read := 0
	for _, p := range paths {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		n, err := readResults(e, p, g.Add)
		if err != nil {
			return err
		}
		read += n
	}
	if read == 0 {
		return errs.E("networks", errs.Invalid, "no scan results could be read")
	}
	sink, err := openOutput(e, *out)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(sink.w)
	enc.SetEscapeHTML(false)
	for _, n := range g.Networks() {
		if n.Size < *minSize {
			continue
		}
		if err = enc.Encode(n); err != nil {
			err = errs.E("write networks", errs.IO, err)
			break
		}
	}
	if cerr := sink.close(err == nil); err == nil {
		err = cerr
	}
	return err
}

// maxResultBytes bounds one line of a results file.
const maxResultBytes = 64 << 20

// readResults decodes a JSONL file of scan results ("-" is stdin). A bad
// line is reported with its number and skipped.
func readResults(e *env, path string, fn func(*corpus.Result)) (int, error) {
	var r io.Reader = e.stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return 0, errs.E("read results", errs.NotExist, err)
		}
		defer f.Close()
		r = f
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxResultBytes)
	n, line := 0, 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var res corpus.Result
		if err := json.Unmarshal(b, &res); err != nil || res.ID == "" {
			e.log.Warn("skipped result", "file", path, "line", line)
			continue
		}
		fn(&res)
		n++
	}
	if err := sc.Err(); err != nil {
		return n, errs.E(fmt.Sprintf("read results %s line %d", path, line+1), errs.IO, err)
	}
	return n, nil
}
