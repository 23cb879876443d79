package rules

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/redthread/redthread/corpus"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// The expected values below were computed by hand; see the comments.
func TestRankingMetrics(t *testing.T) {
	tests := []struct {
		name       string
		scores     []float64
		labels     []int
		roc, ap    float64
		p25, p50   float64 // precision at the top 25% and 50%
		wantOneCls bool
	}{
		// Positives at ranks 1 and 3 of 4. ROC: 0.9 beats both negatives,
		// 0.7 beats one: 3/4. AP: ½·1/1 + ½·2/3 = 0.8333.
		{"interleaved", []float64{0.9, 0.8, 0.7, 0.6}, []int{1, 0, 1, 0}, 0.75, 5.0 / 6, 1, 0.5, false},
		// A positive tied with a negative at the top: ½ win against it, a
		// full win against the last: 1.5/2. AP: one threshold with 1 of 2
		// right: 1·½.
		{"ties", []float64{1, 1, 0}, []int{1, 0, 0}, 0.75, 0.5, 1, 0.5, false},
		{"perfect", []float64{3, 2, 1, 0}, []int{1, 1, 0, 0}, 1, 1, 1, 1, false},
		// Worst order 4(0) 3(0) 2(1) 1(1): ROC 0; AP: ½·1/3 + ½·2/4.
		{"inverted", []float64{1, 2, 3, 4}, []int{1, 1, 0, 0}, 0, 0.5/3 + 0.5*0.5, 0, 0, false},
		{"all tied", []float64{5, 5, 5, 5}, []int{1, 0, 1, 0}, 0.5, 0.5, 1, 0.5, false},
		{"one class", []float64{1, 2}, []int{1, 1}, 0, 0, 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Rank(tt.scores, tt.labels)
			if tt.wantOneCls {
				if !errors.Is(err, ErrOneClass) {
					t.Fatalf("err %v, want ErrOneClass", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !near(r.ROCAUC, tt.roc) || !near(r.PRAUC, tt.ap) {
				t.Errorf("ROC %v AP %v, want %v %v", r.ROCAUC, r.PRAUC, tt.roc, tt.ap)
			}
			if p := PrecisionAtTop(tt.scores, tt.labels, 0.25); !near(p, tt.p25) {
				t.Errorf("P@25%% = %v, want %v", p, tt.p25)
			}
			if p := PrecisionAtTop(tt.scores, tt.labels, 0.5); !near(p, tt.p50) {
				t.Errorf("P@50%% = %v, want %v", p, tt.p50)
			}
			if math.IsNaN(r.PAt1) || math.IsNaN(r.PAt10) {
				t.Errorf("NaN precision: %+v", r)
			}
		})
	}
}

func TestPrecisionAtTopRoundsUp(t *testing.T) {
	// 1% of 150 is 1.5 → the top 2.
	scores := make([]float64, 150)
	labels := make([]int, 150)
	for i := range scores {
		scores[i] = float64(i)
	}
	labels[149] = 1 // only the best is positive
	if p := PrecisionAtTop(scores, labels, 0.01); !near(p, 0.5) {
		t.Errorf("P@1%% = %v, want 0.5", p)
	}
	if p := PrecisionAtTop(nil, nil, 0.01); p != 0 {
		t.Errorf("empty: %v", p)
	}
}

func TestCutAndThreshold(t *testing.T) {
	scores := []float64{95, 90, 80, 70, 60, 50, 40, 30}
	labels := []int{1, 1, 1, 0, 1, 0, 0, 0}
	c := CutAt(scores, labels, 60)
	if c.Flagged != 5 || c.TP != 4 || !near(c.Precision, 0.8) || !near(c.Recall, 1) {
		t.Errorf("cut at 60: %+v", c)
	}
	// Precision 1 first holds at 71 (95, 90, 80 flagged).
	th, c, ok := ThresholdFor(scores, labels, 1, 1)
	if !ok || th != 71 || c.Flagged != 3 {
		t.Errorf("threshold for precision 1: %d %+v %v", th, c, ok)
	}
	// 0.8 is first reached at 51 (5 flagged, 4 right).
	if th, _, _ := ThresholdFor(scores, labels, 0.8, 1); th != 51 {
		t.Errorf("threshold for 0.8: %d", th)
	}
	if _, _, ok := ThresholdFor(scores, []int{0, 0, 0, 0, 0, 0, 0, 0}, 0.5, 1); ok {
		t.Error("found a threshold with no positives")
	}
}

func TestLabelsOfCSVStrings(t *testing.T) {
	l := &corpus.Listing{ID: "a", Fields: map[string]json.RawMessage{
		"label": json.RawMessage(`"yes"`), "expect": json.RawMessage(`"job.urgency, job.fee_or_debt"`)}}
	lb := LabelsOf(l)
	if !lb.HasLabel || lb.Label != 1 || !lb.HasIDs || len(lb.Expect) != 2 || lb.Expect[1] != "job.fee_or_debt" {
		t.Errorf("%+v", lb)
	}
	l.Fields["label"] = json.RawMessage(`"maybe"`)
	if lb := LabelsOf(l); lb.HasLabel {
		t.Errorf("'maybe' read as a label: %+v", lb)
	}
	l.Fields["label"] = json.RawMessage(`0`)
	if lb := LabelsOf(l); !lb.HasLabel || lb.Label != 0 {
		t.Errorf("0: %+v", lb)
	}
}
