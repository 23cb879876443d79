package rules

import (
	"encoding/json"
	"sort"
	"strings"

	"github.com/redthread/redthread/corpus"
)

// Labels are a reviewer's judgement of one listing: whether it deserves a
// look (Label, when given) and, when given, the indicators it must raise
// (Expect) and may raise (Allow); every other indicator must not fire.
type Labels struct {
	ID       string
	Label    int  // 1 risky, 0 ordinary
	HasLabel bool // Label was given
	Expect   []string
	Allow    []string
	HasIDs   bool // Expect or Allow was given: per-indicator labels exist
}

// LabelsOf reads the label fields of a listing: "label" (0/1 or
// true/false), "expect" and "allow" (arrays of indicator IDs), kept in
// Fields by the reader.
func LabelsOf(l *corpus.Listing) Labels {
	lb := Labels{ID: l.ID}
	if raw, ok := l.Fields["label"]; ok {
		var n float64
		var b bool
		var str string
		if json.Unmarshal(raw, &n) == nil {
			lb.Label, lb.HasLabel = int(n), n == 0 || n == 1
			if n > 0 {
				lb.Label = 1
			}
		} else if json.Unmarshal(raw, &b) == nil {
			lb.HasLabel = true
			if b {
				lb.Label = 1
			}
		} else if json.Unmarshal(raw, &str) == nil {
			// CSV columns arrive as strings.
			switch strings.ToLower(strings.TrimSpace(str)) {
			case "1", "true", "yes":
				lb.Label, lb.HasLabel = 1, true
			case "0", "false", "no":
				lb.Label, lb.HasLabel = 0, true
			}
		}
	}
	for key, dst := range map[string]*[]string{"expect": &lb.Expect, "allow": &lb.Allow} {
		if raw, ok := l.Fields[key]; ok {
			var str string
			if json.Unmarshal(raw, dst) == nil {
				lb.HasIDs = true
			} else if json.Unmarshal(raw, &str) == nil {
				// CSV: IDs separated by commas, semicolons or spaces.
				*dst = strings.FieldsFunc(str, func(r rune) bool { return r == ',' || r == ';' || r == ' ' })
				lb.HasIDs = true
			}
		}
	}
	return lb
}

// IndicatorStat is the confusion count of one indicator over a labelled set.
type IndicatorStat struct {
	ID             string   `json:"id"`
	TP             int      `json:"tp"`
	FN             int      `json:"fn"`
	FP             int      `json:"fp"`
	TN             int      `json:"tn"`
	Recall         float64  `json:"recall"`           // TP / (TP+FN); 1 when no positives
	Precision      float64  `json:"precision"`        // TP / (TP+FP); 1 when nothing fired
	FalseAlarmRate float64  `json:"false_alarm_rate"` // FP / (FP+TN)
	Missed         []string `json:"missed,omitempty"` // listing IDs of false negatives
	FalseAlarms    []string `json:"false_alarms,omitempty"`
}

// PerIndicator compares results with labels, listing by listing (matched by
// ID), for every indicator named in ids or in the labels.
func PerIndicator(labels []Labels, results map[string]*corpus.Result, ids []string) []IndicatorStat {
	set := map[string]bool{}
	for _, id := range ids {
		set[id] = true
	}
	for _, lb := range labels {
		for _, id := range lb.Expect {
			set[id] = true
		}
	}
	stats := map[string]*IndicatorStat{}
	for id := range set {
		stats[id] = &IndicatorStat{ID: id}
	}
	for _, lb := range labels {
		r, ok := results[lb.ID]
		if !ok || !lb.HasIDs {
			continue
		}
		expect := toSet(lb.Expect)
		allow := toSet(lb.Allow)
		for id, st := range stats {
			fired := r.Has(id)
			switch {
			case expect[id] && fired:
				st.TP++
			case expect[id]:
				st.FN++
				st.Missed = append(st.Missed, lb.ID)
			case allow[id]:
			case fired:
				st.FP++
				st.FalseAlarms = append(st.FalseAlarms, lb.ID)
			default:
				st.TN++
			}
		}
	}
	out := make([]IndicatorStat, 0, len(stats))
	for _, st := range stats {
		st.Recall, st.Precision = 1, 1
		if st.TP+st.FN > 0 {
			st.Recall = float64(st.TP) / float64(st.TP+st.FN)
		}
		if st.TP+st.FP > 0 {
			st.Precision = float64(st.TP) / float64(st.TP+st.FP)
		}
		if st.FP+st.TN > 0 {
			st.FalseAlarmRate = float64(st.FP) / float64(st.FP+st.TN)
		}
		out = append(out, *st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func toSet(ids []string) map[string]bool {
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}
