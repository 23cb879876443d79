package index

import (
	"context"
	"iter"

	"github.com/blevesearch/bleve/v2"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/errs"
)

// allPage is how many results All reads per search.
const allPage = 1000

// All yields every indexed result in ID order, reading a page at a time
// (search-after paging, so it stays linear however large the index).
func (x *Index) All(ctx context.Context) iter.Seq2[*corpus.Result, error] {
	return func(yield func(*corpus.Result, error) bool) {
		var after []string
		for {
			req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), allPage, 0, false)
			req.SortBy([]string{"_id"})
			req.SearchAfter = after
			res, err := x.b.SearchInContext(ctx, req)
			if err != nil {
				yield(nil, errs.E("read index", errs.IO, err))
				return
			}
			for _, h := range res.Hits {
				r, err := x.Get(h.ID)
				if !yield(r, err) {
					return
				}
			}
			if len(res.Hits) < allPage {
				return
			}
			after = []string{res.Hits[len(res.Hits)-1].ID}
		}
	}
}
