package indicators

import (
	"slices"
	"strings"
	"testing"

	"github.com/redthread/redthread/corpus"
)

// phonesOf returns the phone contacts of a listing's features.
func phonesOf(f *Features) []string {
	var out []string
	for _, c := range f.Out.Contacts {
		if c.Type == "phone" {
			out = append(out, c.Value)
		}
	}
	return out
}

// TestPhoneRegions reads listings without a country: the region comes from what the listing says
// about itself and is recorded with its reason. All listings and numbers are made up.
func TestPhoneRegions(t *testing.T) {
	x := testExtractor(t)
	tests := []struct {
		name       string
		l          corpus.Listing
		want       []string
		region     string // region code recorded, "" for none
		reasonPart string
	}{
		{"country domain", corpus.Listing{URL: "https://www.example.com.au/ads/1", Body: "Call Mia on 0412 345 678"},
			[]string{"+61412345678"}, "AU", "url domain .au"},
		{"city subdomain", corpus.Listing{URL: "http://melbourne.example.com/ads/55", Body: "Call Mia on 0412 345 678"},
			[]string{"+61412345678"}, "AU", "url host melbourne.example.com"},
		{"city subdomain in", corpus.Listing{URL: "http://pune.example.com/escorts/7", Body: "Call 98123 45678 now"},
			[]string{"+919812345678"}, "IN", "url host pune.example.com"},
		{"location", corpus.Listing{Location: "Boston, Back Bay", Body: "text 617-555-0199"},
			[]string{"+16175550199"}, "US", "location: Boston"},
		{"location native spelling", corpus.Listing{Location: "Beograd, Vračar", Body: "zovi 064 123 4567"},
			[]string{"+381641234567"}, "RS", "location: Beograd"},
		{"title city", corpus.Listing{Title: "Sweet Lena - Milano escort", Body: "chiamami 333 123 4567"},
			[]string{"+393331234567"}, "IT", "title: Milano"},
		{"url path city", corpus.Listing{URL: "http://www.example.com/battlecreek-escorts/99", Body: "call 269-555-0199"},
			[]string{"+12695550199"}, "US", "url path: battlecreek"},
		{"tried in turn", corpus.Listing{Title: "Rose - ad in London, Ontario", Body: "calls only 226 555 0199"},
			[]string{"+12265550199"}, "CA", "London"},
		{"number in url", corpus.Listing{URL: "http://www.example.com/ads/chicago/call-312-555-0199-ask-for-ann/123456789", Body: "new in town"},
			[]string{"+13125550199"}, "US", ""},
		{"no hint", corpus.Listing{Body: "call 617 555 0199"}, nil, "", ""},
		{"listing country wins", corpus.Listing{Country: "RS", URL: "http://melbourne.example.com/a", Body: "064 123 4567"},
			[]string{"+381641234567"}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := tc.l
			f := x.Extract(&l)
			if got := phonesOf(f); !slices.Equal(got, tc.want) {
				t.Errorf("phones %q, want %q", got, tc.want)
			}
			r := f.Out.Region
			switch {
			case tc.region == "" && r != nil && tc.l.Country != "":
				t.Errorf("region %+v recorded for a listing with a country", *r)
			case tc.region != "" && (r == nil || r.Code != tc.region || !strings.Contains(r.Reason, tc.reasonPart)):
				t.Errorf("region %+v, want %s with %q", r, tc.region, tc.reasonPart)
			}
		})
	}
}

// TestPhoneRegionsJobDestination: a job ad's title names where the work is; the recruiter's
// number is read in the default region, not there.
func TestPhoneRegionsJobDestination(t *testing.T) {
	x, err := New(Config{DefaultRegion: "RS"})
	if err != nil {
		t.Fatal(err)
	}
	l := corpus.Listing{Kind: "job", Title: "Posao u Nemačkoj, berba jagoda", Body: "Plata 2000 eura. Javite se na 064 123 4567"}
	f := x.Extract(&l)
	if got := phonesOf(f); !slices.Equal(got, []string{"+381641234567"}) {
		t.Errorf("phones %q, want the Serbian number", got)
	}
}

// TestURLNumbersNotIDs: post IDs, dates and prices in a listing's URL are not phones.
func TestURLNumbersNotIDs(t *testing.T) {
	x := testExtractor(t)
	for _, u := range []string{
		"http://chicago.example.com/FemaleEscorts/new-in-town-21-21-21/11223344",
		"http://milano.example.com/ads/lena-03-14-201603-20-2016/5566778",
		"http://dallas.example.com/ads/in-call-150-hour-special/9988776?pid=1234321",
	} {
		l := corpus.Listing{URL: u, Body: "new in town"}
		if got := phonesOf(x.Extract(&l)); len(got) != 0 {
			t.Errorf("%s: phones %q", u, got)
		}
	}
}
