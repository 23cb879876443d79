package crawl

import (
	"bytes"
	"embed"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/andybalholm/cascadia"
	"gopkg.in/yaml.v3"

	"github.com/redthread/redthread/errs"
)

//go:embed adapters/*.yaml
var builtinAdapters embed.FS

// Adapter describes one site: where to start, which links to follow, and
// where each listing field sits in its pages. Adapters are YAML files; see
// adapters/demo.yaml for a commented example.
type Adapter struct {
	// Name is the source name set on every listing.
	Name string `yaml:"name"`
	// Kind, Country and Language are defaults for the site's listings.
	Kind     string `yaml:"kind"`
	Country  string `yaml:"country"`
	Language string `yaml:"language"`
	// Start are the URLs the crawl begins with.
	Start []string `yaml:"start"`
	// AllowedDomains limits pages (not images) to these host names; empty
	// means the hosts of the start URLs.
	AllowedDomains []string `yaml:"allowed_domains"`
	// DropParams are query parameters removed from the site's URLs
	// (session IDs, cache busters) so one page has one URL. Tracking
	// parameters (utm_*, fbclid, gclid) are always removed.
	DropParams []string `yaml:"drop_params"`
	// Delay and Parallelism are the site's politeness defaults; flags
	// override them.
	Delay       Duration `yaml:"delay"`
	Parallelism int      `yaml:"parallelism"`
	// Follow selects links to more index pages (categories, searches).
	Follow LinkRule `yaml:"follow"`
	// Listings selects links to listing pages. Its pattern also marks a
	// fetched URL as a listing page.
	Listings LinkRule `yaml:"listings"`
	// Pagination selects the "next page" link of index pages.
	Pagination Pagination `yaml:"pagination"`
	// Item, when set, makes every element it matches on any page one
	// listing, with Fields relative to it (result cards on a search page).
	Item Selector `yaml:"item"`
	// Fields locates the listing fields of FORMATS.md.
	Fields Fields `yaml:"fields"`
}

// LinkRule selects links: those under the CSS selector (default "a[href]")
// whose absolute URL matches the pattern. An empty rule selects nothing.
type LinkRule struct {
	Selector Selector `yaml:"selector"`
	Pattern  Pattern  `yaml:"pattern"`
}

// Empty reports whether the rule selects nothing.
func (r LinkRule) Empty() bool { return r.Selector.Empty() && r.Pattern.re == nil }

// Pagination selects the next-page link and bounds the chain of pages.
type Pagination struct {
	Selector Selector `yaml:"selector"`
	// MaxPages bounds how many pages one pagination chain may have
	// (default 200), so an endless "next" link cannot hold the crawl.
	MaxPages int `yaml:"max_pages"`
}

// Fields maps listing fields to selectors. Text fields take the text of the
// matched elements; contacts and images take one value per match.
type Fields struct {
	URL          Selector            `yaml:"url"`
	Title        Selector            `yaml:"title"`
	Body         Selector            `yaml:"body"`
	Employer     Selector            `yaml:"employer"`
	EmployerInfo Selector            `yaml:"employer_info"`
	Location     Selector            `yaml:"location"`
	Country      Selector            `yaml:"country"`
	Language     Selector            `yaml:"language"`
	PostedAt     Selector            `yaml:"posted_at"`
	Pay          Selector            `yaml:"pay"`
	Kind         Selector            `yaml:"kind"`
	Contacts     Selector            `yaml:"contacts"`
	Images       Selector            `yaml:"images"`
	Extra        map[string]Selector `yaml:"extra"`
}

// Selector is a CSS selector with an optional attribute to read instead of
// the text: "time.posted @datetime"; "@data-id" alone reads the attribute of
// the element itself (useful under Item). It is compiled when the adapter
// loads.
type Selector struct {
	CSS  string
	Attr string
	m    cascadia.Selector
	self bool // "@attr" alone: the element itself (with Item)
}

// Empty reports whether no selector was given.
func (s Selector) Empty() bool { return s.m == nil && !s.self }

// UnmarshalYAML compiles "css" or "css @attr".
func (s *Selector) UnmarshalYAML(n *yaml.Node) error {
	var v string
	if err := n.Decode(&v); err != nil {
		return err
	}
	sel, err := ParseSelector(v)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*s = sel
	return nil
}

// ParseSelector compiles "css" or "css @attr".
func ParseSelector(v string) (Selector, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return Selector{}, nil
	}
	var s Selector
	if i := strings.LastIndex(v, "@"); i >= 0 && !strings.ContainsAny(v[i:], " []\"'=") {
		s.Attr = strings.TrimSpace(v[i+1:])
		v = strings.TrimSpace(v[:i])
		if s.Attr == "" {
			return Selector{}, fmt.Errorf("selector %q: empty attribute after @", v)
		}
	}
	if v == "" {
		s.self = true
		return s, nil
	}
	m, err := cascadia.Compile(v)
	if err != nil {
		return Selector{}, fmt.Errorf("selector %q: %w", v, err)
	}
	s.CSS, s.m = v, m
	return s, nil
}

// Pattern is a regular expression compiled when the adapter loads.
type Pattern struct {
	Expr string
	re   *regexp.Regexp
}

// UnmarshalYAML compiles the expression.
func (p *Pattern) UnmarshalYAML(n *yaml.Node) error {
	var v string
	if err := n.Decode(&v); err != nil {
		return err
	}
	if v == "" {
		return nil
	}
	re, err := regexp.Compile(v)
	if err != nil {
		return fmt.Errorf("line %d: pattern %q: %w", n.Line, v, err)
	}
	p.Expr, p.re = v, re
	return nil
}

// Duration is a time.Duration written as "500ms" or "2s".
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var v string
	if err := n.Decode(&v); err != nil {
		return err
	}
	t, err := time.ParseDuration(v)
	if err != nil || t < 0 {
		return fmt.Errorf("line %d: bad duration %q", n.Line, v)
	}
	*d = Duration(t)
	return nil
}

// LoadAdapter reads an adapter from YAML. name is used in errors.
func LoadAdapter(r io.Reader, name string) (*Adapter, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20))
	if err != nil {
		return nil, errs.E("load adapter "+name, errs.IO, err)
	}
	var a Adapter
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&a); err != nil {
		return nil, &errs.Error{Op: "load adapter", Kind: errs.Config, Path: name, Err: err}
	}
	if err := a.validate(); err != nil {
		return nil, &errs.Error{Op: "load adapter", Kind: errs.Config, Path: name, Err: err}
	}
	return &a, nil
}

func (a *Adapter) validate() error {
	if a.Name == "" {
		return fmt.Errorf("name is required")
	}
	switch a.Kind {
	case "", "job", "escort", "other":
	default:
		return fmt.Errorf("kind %q: want job, escort or other", a.Kind)
	}
	if a.Country != "" && len(a.Country) != 2 {
		return fmt.Errorf("country %q: want an ISO 3166-1 alpha-2 code", a.Country)
	}
	if a.Language != "" && len(a.Language) != 2 {
		return fmt.Errorf("language %q: want an ISO 639-1 code", a.Language)
	}
	if a.Parallelism < 0 {
		return fmt.Errorf("parallelism %d: must not be negative", a.Parallelism)
	}
	if a.Item.self || a.Item.Attr != "" {
		return fmt.Errorf("item: give a CSS selector, without @attribute")
	}
	if a.Fields.Title.Empty() && a.Fields.Body.Empty() && a.Item.Empty() {
		return fmt.Errorf("fields: give at least title or body selectors")
	}
	return nil
}

// LoadAdapterFile reads an adapter from a YAML file, or a built-in adapter
// when nameOrPath has no slash and no .yaml suffix ("demo").
func LoadAdapterFile(nameOrPath string) (*Adapter, error) {
	if !strings.ContainsAny(nameOrPath, `/\`) && !strings.HasSuffix(nameOrPath, ".yaml") && !strings.HasSuffix(nameOrPath, ".yml") {
		f, err := builtinAdapters.Open(path.Join("adapters", nameOrPath+".yaml"))
		if err != nil {
			return nil, &errs.Error{Op: "load adapter", Kind: errs.Config, Path: nameOrPath,
				Err: fmt.Errorf("no built-in adapter of that name (have %s)", strings.Join(BuiltinAdapters(), ", "))}
		}
		defer f.Close()
		return LoadAdapter(f, nameOrPath)
	}
	f, err := os.Open(nameOrPath)
	if err != nil {
		return nil, &errs.Error{Op: "load adapter", Kind: errs.Config, Path: nameOrPath, Err: err}
	}
	defer f.Close()
	return LoadAdapter(f, nameOrPath)
}

// BuiltinAdapters lists the names of the adapters shipped in the binary.
func BuiltinAdapters() []string {
	ents, _ := builtinAdapters.ReadDir("adapters")
	var names []string
	for _, e := range ents {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}
