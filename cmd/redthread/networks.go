package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/links"
	"github.com/redthread/redthread/links/redisstore"
)

func init() {
	commands["networks"] = command{summary: "group linked scan results into networks with their template families (JSONL of results in; one JSON network per line out, then one line per suppressed generic key)", run: runNetworks}
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
	fs.StringVar(&lf.dir, "links", "", "keep the link registry (contact, photo-hash and template keys) in `DIR` (or in Redis: redis://HOST:PORT/DB), so later scans link to this one")
	fs.BoolVar(&lf.off, "no-links", false, "do not link listings (no network.* indicators, no photo hashing)")
	fs.Var(&lf.hashLists, "hash-list", "known photo hashes `CSV` (hash,algorithm,list,label; label negative suppresses); repeatable")
	fs.IntVar(&lf.genericLimit, "generic-limit", 0, "a contact shared by more than `N` listings with nothing else in common, or a photo shared by more, is generic: reported, not a link (0: from the link parameters, 50)")
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
	cfg, err := lf.config(e)
	if err != nil {
		return nil, err
	}
	switch {
	case strings.HasPrefix(lf.dir, "redis://"):
		// The registry in Redis (keys redthread-scan:*), for a scan that
		// outlives its machine's disk; cluster workers use --redis instead.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		st, err := redisstore.Open(ctx, lf.dir, "redthread-scan")
		cancel()
		if err != nil {
			return nil, errs.E("links", errs.IO, err)
		}
		redisstore.LogTo(e.log)
		st.SetParams(*cfg.Params)
		cfg.Store = st
	case lf.dir != "":
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

// config is the registry configuration the flags describe, without a
// store (also for cluster workers).
func (lf *linkFlags) config(e *env) (links.Config, error) {
	p := links.DefaultParams()
	if lf.params != "" {
		var err error
		if p, err = links.LoadParamsFile(lf.params); err != nil {
			return links.Config{}, errs.E("links", errs.Config, err)
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
				return links.Config{}, errs.E("links", errs.Config, err)
			}
		}
	}
	return cfg, nil
}

// runNetworks groups the listings of scan results into networks: connected
// components over the linked IDs of network.* hits. Time span, locations
// and template families (template text with slots and slot values) come
// from listings embedded in the results (scan --embed-listing); members
// known only as link targets (earlier batches not given) are listed as
// unscanned. Keys the scan found generic follow, one line each, with the
// listings that carry them.
func runNetworks(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "networks", "[flags] RESULTS.jsonl|- ...")
	out := fs.String("o", "", "write networks to `FILE` instead of stdout")
	minSize := fs.Int("min-size", 2, "smallest network to write")
	supp := fs.Bool("suppressed", true, "after the networks, write one line per key found generic (not linked): {\"suppressed\":KEY,\"kind\",\"listings\",\"ids\",\"note\"}")
	params := fs.String("link-params", "", "link parameters `YAML` (the family section tunes template alignment; see links/params.yaml)")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return fmt.Errorf("%w: name at least one scan result file, or - for stdin", errUsage)
	}
	p := links.DefaultParams()
	if *params != "" {
		if p, err = links.LoadParamsFile(*params); err != nil {
			return errs.E("networks", errs.Config, err)
		}
	}
	g := links.NewGrouperWith(p)
	read := 0
	for rec := range corpus.ReadResultFiles(ctx, paths, e.stdin, corpus.ResultOptions{Revisions: true}, nil) {
		if rec.Err != nil {
			if rec.Line == 0 || errs.Is(errs.IO, rec.Err) {
				return rec.Err
			}
			e.log.Warn("skipped result", "err", rec.Err)
			continue
		}
		g.Add(rec.Result)
		read++
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
	if *supp && err == nil {
		for _, k := range g.Suppressed() {
			if err = enc.Encode(k); err != nil {
				err = errs.E("write networks", errs.IO, err)
				break
			}
		}
	}
	if cerr := sink.close(err == nil); err == nil {
		err = cerr
	}
	return err
}
