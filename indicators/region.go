package indicators

import (
	"slices"
	"strings"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/indicators/contacts"
)

// maxRegions is the most regions a listing's phone numbers are tried in.
const maxRegions = 4

// secondLevel are the labels under a country-code domain that sites register beneath
// ("example.com.au", "example.co.uk").
var secondLevel = map[string]bool{"co": true, "com": true, "net": true, "org": true, "ac": true,
	"gov": true, "edu": true, "or": true, "ne": true, "gen": true, "in": true, "ltd": true, "plc": true}

// phoneRegions returns the regions in which a listing's phone numbers written without a country
// code are read, most likely first, each with what named it. A listing's own country is the only
// region. Without one, the regions are inferred from what the listing says about itself, in this
// order: the host of its URL (a country-code domain, then a city or region subdomain such as
// "melbourne." or "pune."), its location field, the scan's default region (--country), the words
// of its URL path, then the places named in its title. Within the location, path or title the
// country named by the most places comes first. In a job ad, places in the country the ad
// recruits for (Features.Destination) are not taken from the title or path: the recruiter's
// phone is usually at home.
func (x *Extractor) phoneRegions(l *corpus.Listing, f *Features) []corpus.Region {
	if c := strings.ToUpper(strings.TrimSpace(l.Country)); c != "" {
		return []corpus.Region{{Code: c, Reason: "listing country"}}
	}
	var out []corpus.Region
	add := func(code, reason string) {
		if code == "" || len(out) >= maxRegions {
			return
		}
		for _, r := range out {
			if r.Code == code {
				return
			}
		}
		out = append(out, corpus.Region{Code: code, Reason: reason})
	}
	host, path := splitListingURL(l.URL)
	if host != "" {
		x.hostRegions(host, add)
	}
	if l.Location != "" {
		x.placeRegions(x.contacts.FindPlaces(l.Location), "location", "", add)
	}
	if x.region != "" {
		add(x.region, "default region (--country)")
	}
	skip := ""
	if f.Kind == corpus.KindJob {
		skip = f.Destination
	}
	if path != "" {
		x.placeRegions(x.contacts.FindPlaces(path), "url path", skip, add)
	}
	if l.Title != "" {
		x.placeRegions(x.contacts.FindPlaces(l.Title), "title", skip, add)
	}
	return out
}

// splitListingURL returns the lower-cased host of a listing's URL and its path (without query or
// fragment); both are empty when the URL has no host.
func splitListingURL(u string) (host, path string) {
	u = strings.TrimSpace(u)
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	} else if !strings.HasPrefix(u, "www.") {
		return "", ""
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	host, path = u, ""
	if i := strings.IndexByte(u, '/'); i >= 0 {
		host, path = u[:i], u[i:]
	}
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	if i := strings.IndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return strings.ToLower(strings.TrimSuffix(host, ".")), path
}

// hostRegions adds the region of the host's country-code domain, then those of the places its
// subdomain labels name ("melbourne.example.com", "kansas-city.example.com").
func (x *Extractor) hostRegions(host string, add func(code, reason string)) {
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return
	}
	tld := labels[len(labels)-1]
	site := len(labels) - 2 // index of the registered name
	if cc, ok := x.contacts.TLDRegion(tld); ok {
		add(cc, "url domain ."+tld)
		if site > 0 && secondLevel[labels[site]] {
			site--
		}
	}
	for _, lb := range labels[:site] {
		if lb == "www" || lb == "" {
			continue
		}
		if cs := x.contacts.PlaceCountries(lb); len(cs) > 0 {
			for _, c := range cs {
				add(c, "url host "+host)
			}
			continue
		}
		for _, p := range x.contacts.FindPlaces(lb) {
			for _, c := range p.Countries {
				add(c, "url host "+host)
			}
		}
	}
}

// placeRegions adds the countries of the places found in one part of the listing, the country
// named by the most places first (ties: the one a place lists first, then the first named);
// skip is a country not to add.
func (x *Extractor) placeRegions(ps []contacts.Place, where, skip string, add func(code, reason string)) {
	if len(ps) == 0 {
		return
	}
	type vote struct {
		code       string
		n, rank    int
		first      int
		firstPlace string
	}
	var vs []vote
	for pi, p := range ps {
		for rank, c := range p.Countries {
			k := slices.IndexFunc(vs, func(v vote) bool { return v.code == c })
			if k < 0 {
				vs = append(vs, vote{code: c, rank: rank, first: pi, firstPlace: p.Name})
				k = len(vs) - 1
			}
			vs[k].n++
			vs[k].rank = min(vs[k].rank, rank)
		}
	}
	slices.SortStableFunc(vs, func(a, b vote) int {
		if a.n != b.n {
			return b.n - a.n
		}
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return a.first - b.first
	})
	for _, v := range vs {
		if v.code != skip {
			add(v.code, where+": "+v.firstPlace)
		}
	}
}

// regionCodes returns the codes of rs.
func regionCodes(rs []corpus.Region) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Code
	}
	return out
}
