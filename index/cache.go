package index

import (
	"slices"
	"strconv"
	"strings"
	"sync"
)

// facetCacheSize bounds the facet cache; it is emptied when full.
const facetCacheSize = 256

// facetCache keeps the facet counts and totals of recent searches, so
// paging through results or changing their order does not count the facets
// again. Any write to the index empties it.
type facetCache struct {
	mu sync.Mutex
	m  map[string]cachedFacets
}

type cachedFacets struct {
	total  uint64
	facets []Facet
}

func (c *facetCache) get(key string) (cachedFacets, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[key]
	return v, ok
}

func (c *facetCache) put(key string, v cachedFacets) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= facetCacheSize {
		c.m = map[string]cachedFacets{}
	}
	c.m[key] = v
}

func (c *facetCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
}

// facetKey identifies what facet counts depend on: the matches (query,
// filters, ID restrictions) and the facets asked for, not paging or order.
func facetKey(req Request, facets []string, size int) string {
	var b strings.Builder
	w := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	w(req.Query)
	fields := make([]string, 0, len(req.Filters))
	for f := range req.Filters {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, f := range fields {
		w(f)
		for _, v := range req.Filters[f] {
			w(v)
		}
	}
	b.WriteString("|ids")
	if req.IDs != nil {
		b.WriteString("!")
		for _, id := range req.IDs {
			w(id)
		}
	}
	b.WriteString("|not")
	for _, id := range req.ExcludeIDs {
		w(id)
	}
	b.WriteString("|facets")
	for _, f := range facets {
		w(f)
	}
	b.WriteString(strconv.Itoa(size))
	return b.String()
}
