package crawl_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/crawl"
)

// Crawl the demo site with its adapter and print the first listing's
// title and pay.
func ExampleCrawl() {
	listings, err := crawl.DemoCorpus()
	if err != nil {
		panic(err)
	}
	site := httptest.NewServer(crawl.DemoSite(listings[:3]))
	defer site.Close()
	ad, err := crawl.LoadAdapterFile("demo")
	if err != nil {
		panic(err)
	}
	cfg := crawl.Config{
		Adapter:      ad,
		Start:        []string{site.URL + "/"},
		AllowPrivate: true, // the test site is on 127.0.0.1
		Workers:      1,    // one page at a time: a stable order
	}
	var got []*corpus.Listing
	st, err := crawl.Crawl(context.Background(), cfg, nil, func(l *corpus.Listing) error {
		got = append(got, l)
		return nil
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(st.Listings, "listings")
	json.NewEncoder(os.Stdout).Encode(map[string]string{"title": got[0].Title, "pay": got[0].Pay, "source": got[0].Source})
	// Output:
	// 3 listings
	// {"pay":"€13.50 per hour","source":"demo","title":"Warehouse packers needed in Germany"}
}
