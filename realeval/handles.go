package realeval

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"sort"
	"strings"

	"github.com/redthread/redthread/corpus"
)

const handleCorpus = "etk-ground-truth/social_media.jl"

func init() { register("handles", evalHandles) }

// handleAd is one line of the social-media corpus: the ad text and the
// handles a person read in it by platform; a platform's value is one
// handle or a list.
type handleAd struct {
	Content string                     `json:"content"`
	Correct map[string]json.RawMessage `json:"correct"`
}

// handleWant is one expected handle.
type handleWant struct{ app, name string }

func (w handleWant) String() string { return w.app + ":" + w.name }

// wantHandles lists the expected handles of an ad: apps lower-cased,
// profile links reduced to the name, phone numbers to their digits.
func wantHandles(c map[string]json.RawMessage) ([]handleWant, error) {
	var out []handleWant
	apps := make([]string, 0, len(c))
	for a := range c {
		apps = append(apps, a)
	}
	sort.Strings(apps)
	for _, a := range apps {
		var one string
		var many []string
		if err := json.Unmarshal(c[a], &one); err == nil {
			many = []string{one}
		} else if err := json.Unmarshal(c[a], &many); err != nil {
			return nil, fmt.Errorf("platform %q: %w", a, err)
		}
		for _, v := range many {
			v = strings.TrimSpace(v)
			if i := strings.LastIndexByte(v, '/'); i >= 0 {
				v = v[i+1:]
			}
			v = strings.ToLower(strings.TrimPrefix(v, "@"))
			if v != "" {
				out = append(out, handleWant{strings.ToLower(a), v})
			}
		}
	}
	return out, nil
}

// handleMatches reports whether the found handle ("app:name" or
// "app:+E164") is the expected one: same app, same name without case, or
// for a number the same digits with or without country code.
func handleMatches(w handleWant, got string) bool {
	app, name, ok := strings.Cut(got, ":")
	if !ok || app != w.app {
		return false
	}
	if strings.HasPrefix(name, "+") {
		return sameNumber(w.name, name)
	}
	return strings.EqualFold(name, w.name)
}

// evalHandles runs the full extractor on each ad (body = the content, no
// country) and compares the messenger and social-media handles it reports
// with the truth. A handle counts once per ad; FP = handles reported that
// the truth lacks.
func evalHandles(ctx context.Context, o *Options) ([]Score, error) {
	s := Score{Name: "handles", Corpus: handleCorpus}
	err := readJSONL(ctx, o, handleCorpus, func(line int, ad *handleAd) error {
		want, err := wantHandles(ad.Correct)
		if err != nil {
			return fmt.Errorf("%s line %d: %w", handleCorpus, line, err)
		}
		s.Items++
		l := &corpus.Listing{ID: fmt.Sprint(line), Body: html.UnescapeString(ad.Content)}
		feat := o.Extractor.Extract(l)
		var got []string
		for _, c := range feat.Out.Contacts {
			if c.Type == "handle" && !containsFold(got, c.Value) {
				got = append(got, c.Value)
			}
		}
		// The same handle listed twice by the truth (two platforms aside) counts once.
		var dedup []handleWant
		for _, w := range want {
			if !slices.Contains(dedup, w) {
				dedup = append(dedup, w)
			}
		}
		tp, missed, extra := matchOnce(dedup, got, handleMatches)
		s.TP += tp
		s.FN += len(missed)
		s.FP += len(extra)
		if len(missed)+len(extra) > 0 {
			o.missf("handles %s line %d region %s: missed %v, extra %v\n  text: %s", handleCorpus, line, regionNote(feat), missed, extra, l.Body)
		}
		return nil
	})
	return []Score{s}, err
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}
