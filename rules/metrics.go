package rules

import (
	"errors"
	"fmt"
	"math"
	"sort"
)

// ErrOneClass is returned by the ranking metrics when the labels hold only
// one class: ROC AUC and PR AUC are undefined then, not 0.5 and not NaN.
var ErrOneClass = errors.New("labels must hold both classes (some 1 and some 0)")

// Ranking summarises how well scores rank labelled listings. Precision at
// the top k% is over the ceil(k% of N) highest-scored listings (at least
// one); ties at the cut are broken by input order.
type Ranking struct {
	N         int     `json:"n"`
	Positives int     `json:"positives"`
	ROCAUC    float64 `json:"roc_auc"`
	PRAUC     float64 `json:"pr_auc"` // average precision
	PAt1      float64 `json:"precision_at_1pct"`
	PAt5      float64 `json:"precision_at_5pct"`
	PAt10     float64 `json:"precision_at_10pct"`
}

// Rank computes the ranking metrics of scores against 0/1 labels.
func Rank(scores []float64, labels []int) (Ranking, error) {
	r := Ranking{N: len(scores)}
	if len(scores) != len(labels) {
		return r, fmt.Errorf("%d scores for %d labels", len(scores), len(labels))
	}
	for _, y := range labels {
		r.Positives += y
	}
	var err error
	if r.ROCAUC, err = ROCAUC(scores, labels); err != nil {
		return r, err
	}
	if r.PRAUC, err = AveragePrecision(scores, labels); err != nil {
		return r, err
	}
	r.PAt1 = PrecisionAtTop(scores, labels, 0.01)
	r.PAt5 = PrecisionAtTop(scores, labels, 0.05)
	r.PAt10 = PrecisionAtTop(scores, labels, 0.10)
	return r, nil
}

// order returns the indices of scores, highest score first, ties in input order.
func order(scores []float64) []int {
	idx := make([]int, len(scores))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	return idx
}

func classes(labels []int) (pos, neg int, err error) {
	for _, y := range labels {
		switch y {
		case 1:
			pos++
		case 0:
			neg++
		default:
			return 0, 0, fmt.Errorf("label %d is not 0 or 1", y)
		}
	}
	if pos == 0 || neg == 0 {
		return pos, neg, ErrOneClass
	}
	return pos, neg, nil
}

// ROCAUC is the area under the ROC curve: the probability that a random
// positive scores above a random negative, ties counting one half
// (the Mann–Whitney U statistic divided by pos×neg).
func ROCAUC(scores []float64, labels []int) (float64, error) {
	pos, neg, err := classes(labels)
	if err != nil {
		return 0, err
	}
	if len(scores) != len(labels) {
		return 0, fmt.Errorf("%d scores for %d labels", len(scores), len(labels))
	}
	idx := order(scores)
	// Walk groups of tied scores from the top: every positive in a group
	// beats the negatives below it and ties with the negatives in it.
	var wins float64
	negBelow := neg
	for i := 0; i < len(idx); {
		j := i
		p, n := 0, 0
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			if labels[idx[j]] == 1 {
				p++
			} else {
				n++
			}
			j++
		}
		negBelow -= n
		wins += float64(p) * (float64(negBelow) + float64(n)/2)
		i = j
	}
	return wins / (float64(pos) * float64(neg)), nil
}

// AveragePrecision is the area under the precision–recall curve as
// average precision: the sum over score thresholds of the recall gained
// times the precision there. Tied scores form one threshold.
func AveragePrecision(scores []float64, labels []int) (float64, error) {
	pos, _, err := classes(labels)
	if err != nil {
		return 0, err
	}
	if len(scores) != len(labels) {
		return 0, fmt.Errorf("%d scores for %d labels", len(scores), len(labels))
	}
	idx := order(scores)
	var ap float64
	tp, seen := 0, 0
	for i := 0; i < len(idx); {
		j := i
		gained := 0
		for j < len(idx) && scores[idx[j]] == scores[idx[i]] {
			gained += labels[idx[j]]
			j++
		}
		tp += gained
		seen += j - i
		ap += float64(gained) / float64(pos) * float64(tp) / float64(seen)
		i = j
	}
	return ap, nil
}

// PrecisionAtTop is the share of positives among the ceil(frac×N)
// highest-scored listings (at least one). It is 0 for no listings.
func PrecisionAtTop(scores []float64, labels []int, frac float64) float64 {
	if len(scores) == 0 || len(scores) != len(labels) {
		return 0
	}
	k := int(math.Ceil(frac * float64(len(scores))))
	k = max(1, min(k, len(scores)))
	idx := order(scores)
	tp := 0
	for _, i := range idx[:k] {
		tp += labels[i]
	}
	return float64(tp) / float64(k)
}

// Cut is the confusion of a threshold: listings scoring at or above it
// are flagged.
type Cut struct {
	Threshold float64 `json:"threshold"`
	Flagged   int     `json:"flagged"`
	TP        int     `json:"tp"`
	Precision float64 `json:"precision"` // TP/Flagged; 0 when nothing is flagged
	Recall    float64 `json:"recall"`    // TP/positives; 0 when there are none
}

// CutAt measures flagging every listing that scores at or above threshold.
func CutAt(scores []float64, labels []int, threshold float64) Cut {
	c := Cut{Threshold: threshold}
	pos := 0
	for i, s := range scores {
		pos += labels[i]
		if s >= threshold {
			c.Flagged++
			c.TP += labels[i]
		}
	}
	if c.Flagged > 0 {
		c.Precision = float64(c.TP) / float64(c.Flagged)
	}
	if pos > 0 {
		c.Recall = float64(c.TP) / float64(pos)
	}
	return c
}

// ThresholdFor returns the lowest integer score threshold in [lo, 100]
// whose flagged set reaches the wanted precision, and whether one does.
// The lowest such threshold flags the most listings, so it has the best
// recall at that precision.
func ThresholdFor(scores []float64, labels []int, precision float64, lo int) (int, Cut, bool) {
	for t := max(lo, 1); t <= 100; t++ {
		c := CutAt(scores, labels, float64(t))
		if c.Flagged > 0 && c.Precision >= precision {
			return t, c, true
		}
	}
	return 0, Cut{}, false
}
