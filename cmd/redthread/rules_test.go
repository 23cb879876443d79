package main

import (
	"context"
	"encoding/json"
	"fmt"

	"os"
	"path/filepath"
	"strings"
	"testing"
)

const devsetPath = "../../corpus/devset/devset.jsonl"

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const myPack = `name: mine
version: "1"
rules:
  - id: job.urgency/lexicon
    indicator: job.urgency
    kinds: [job]
    when: terms["job.urgency"] > 0
    weight: 1.5
    evidence: ["terms:job.urgency"]
`

func TestRulesTestCommand(t *testing.T) {
	code, out, errOut := runCmd(context.Background(), "rules", "test")
	if code != exitOK || !strings.Contains(out, "rule tests passed") || strings.Contains(out, "FAIL") {
		t.Fatalf("default tests: code %d\n%s%s", code, out, errOut)
	}

	dir := t.TempDir()
	pack := writeFile(t, dir, "mine.yaml", myPack)
	writeFile(t, dir, "mine_test.yaml", `tests:
  - name: urgent ad raises urgency
    listing: {kind: job, country: GB, title: Pickers, body: "Urgent, start tomorrow."}
    expect: [job.urgency]
    rules: [job.urgency/lexicon]
  - name: wrongly expects a fee
    listing: {kind: job, country: GB, title: Pickers, body: "Urgent, start tomorrow."}
    expect: [job.fee_or_debt]
    expect_not: [job.urgency]
`)
	code, out, _ = runCmd(context.Background(), "rules", "test", pack)
	if code != exitFailure {
		t.Errorf("failing case: exit %d, want %d", code, exitFailure)
	}
	for _, want := range []string{"FAIL " + filepath.Join(dir, "mine_test.yaml") + ":6 wrongly expects a fee",
		"expected indicator job.fee_or_debt, not raised", "indicator job.urgency raised but must not be", "1 of 2 rule tests passed"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// A pack without tests, and a pack that does not load.
	other := writeFile(t, dir, "other.yaml", myPack)
	if code, _, errOut := runCmd(context.Background(), "rules", "test", other); code != exitConfig || !strings.Contains(errOut, "other_test.yaml") {
		t.Errorf("pack without tests: exit %d: %s", code, errOut)
	}
	bad := writeFile(t, dir, "bad.yaml", strings.Replace(myPack, `terms["job.urgency"] > 0`, `pay.monthly_euros > 0`, 1))
	writeFile(t, dir, "bad_test.yaml", "tests: []\n")
	code, out, errOut = runCmd(context.Background(), "rules", "test", bad)
	if code != exitConfig || !strings.Contains(errOut, "bad.yaml line 4 (job.urgency/lexicon)") || strings.Contains(out, "passed") {
		t.Errorf("bad pack: exit %d\n%s%s", code, out, errOut)
	}
}

func TestRulesLintCommand(t *testing.T) {
	dir := t.TempDir()
	pack := writeFile(t, dir, "mine.yaml", myPack+`  - id: job.night/custom
    indicator: job.night
    when: terms["custom.night"] > 0
    weight: 0.4
    evidence: ["terms:custom.night"]
`)
	code, out, errOut := runCmd(context.Background(), "rules", "lint", pack)
	if code != exitOK {
		t.Fatalf("lint: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{
		pack + `:4: info (job.urgency/lexicon): overrides the rule of default/pack.yaml`,
		pack + `:10: warning (job.night/custom): terms["custom.night"]: the lexicon has no tag custom.night`,
		pack + `:10: warning (job.night/custom): no test case fires this rule`,
		pack + `:10: warning (job.night/custom): never fires on the 322 corpus listings`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("lint output lacks %q:\n%s", want, out)
		}
	}
	if code, _, _ := runCmd(context.Background(), "rules", "lint", "--strict", pack); code != exitFailure {
		t.Errorf("--strict with warnings: exit %d", code)
	}
	code, out, _ = runCmd(context.Background(), "rules", "lint", "--json", pack)
	var findings []map[string]any
	if code != exitOK || json.Unmarshal([]byte(out), &findings) != nil || len(findings) == 0 {
		t.Errorf("--json: exit %d, %q", code, out)
	}
	dup := writeFile(t, dir, "dup.yaml", myPack+strings.SplitN(myPack, "rules:\n", 2)[1])
	if code, out, _ := runCmd(context.Background(), "rules", "lint", dup); code != exitConfig || !strings.Contains(out, "error (job.urgency/lexicon): duplicate rule ID") {
		t.Errorf("duplicate: exit %d\n%s", code, out)
	}
}

func TestRulesFitAndEval(t *testing.T) {
	dir := t.TempDir()
	fitted := filepath.Join(dir, "fitted.yaml")
	code, out, errOut := runCmd(context.Background(), "rules", "fit", "--labels", devsetPath, "-o", fitted, "--version", "test")
	if code != exitOK {
		t.Fatalf("fit: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"cross-validated ROC AUC", "PR AUC", "precision at top 1%", "5%", "10%", "levels: high >="} {
		if !strings.Contains(out, want) {
			t.Errorf("fit output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "NaN") {
		t.Errorf("NaN in fit output:\n%s", out)
	}
	// The fitted pack loads with --rules and ranks the dev set.
	code, out, errOut = runCmd(context.Background(), "eval", "--labels", devsetPath, "--rules", fitted, "--json")
	if code != exitOK {
		t.Fatalf("eval with fitted pack: exit %d\n%s", code, errOut)
	}
	var rep evalReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Ranking == nil || rep.Ranking.ROCAUC < 0.8 || rep.Ranking.N != 322 || !strings.HasSuffix(rep.RulePack, "+default-fitted@test") {
		t.Errorf("eval report: %+v %+v", rep.Ranking, rep.RulePack)
	}
	if len(rep.Levels) != 2 || rep.Levels[0].Flagged == 0 || rep.Levels[0].Precision < 0.8 || len(rep.Indicators) == 0 {
		t.Errorf("levels %+v, %d indicator rows", rep.Levels, len(rep.Indicators))
	}
	code, out, _ = runCmd(context.Background(), "eval", "--labels", devsetPath)
	if code != exitOK || !strings.Contains(out, "ROC AUC") || !strings.Contains(out, "per indicator") {
		t.Errorf("eval text: exit %d\n%s", code, out)
	}
	code, out, errOut = runCmd(context.Background(), "scan", "-q", "--rules", fitted, devsetPath)
	if code != exitOK || !strings.Contains(out, "default-fitted@test") {
		t.Errorf("scan with fitted pack: exit %d %s", code, errOut)
	}
}

func TestFitAndEvalRefuseDegenerateLabels(t *testing.T) {
	dir := t.TempDir()
	var allOnes, fewPos strings.Builder
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&allOnes, `{"id":"a%d","kind":"job","body":"Urgent work, start tomorrow %d.","label":1}`+"\n", i, i)
		lab := 0
		if i < 2 {
			lab = 1
		}
		fmt.Fprintf(&fewPos, `{"id":"b%d","kind":"job","body":"Urgent work, start tomorrow %d.","label":%d}`+"\n", i, i, lab)
	}
	ones := writeFile(t, dir, "ones.jsonl", allOnes.String())
	few := writeFile(t, dir, "few.jsonl", fewPos.String())
	out := filepath.Join(dir, "out.yaml")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"rules", "fit", "--labels", ones, "-o", out}, "all 12 labels are 1"},
		{[]string{"rules", "fit", "--labels", few, "-o", out}, "only 2 listings labelled 1 for 5 folds"},
		{[]string{"eval", "--labels", ones}, "all 12 labels are 1"},
		{[]string{"rules", "fit", "--labels", filepath.Join(dir, "missing.jsonl"), "-o", out}, "missing.jsonl"},
	}
	for _, tt := range tests {
		code, stdout, errOut := runCmd(context.Background(), tt.args...)
		if code == exitOK || !strings.Contains(errOut, tt.want) || strings.Contains(stdout+errOut, "NaN") {
			t.Errorf("%v: exit %d, stderr %q, want error containing %q", tt.args, code, errOut, tt.want)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed fit left an output pack behind")
	}

}

// Labels in CSV arrive as strings; eval reads them.
func TestEvalCSVLabels(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,kind,country,title,body,label\n")
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&b, "p%d,job,GB,Urgent,\"Urgent! Visa and ticket provided, agency fee deducted from your first salary. WhatsApp only %d.\",1\n", i, i)
		fmt.Fprintf(&b, "n%d,job,GB,Clerk,\"Office clerk for our accounts team in Leeds, 37.5 hours a week, reference %d.\",0\n", i, i)
	}
	path := writeFile(t, t.TempDir(), "labels.csv", b.String())
	code, out, errOut := runCmd(context.Background(), "eval", "--labels", path, "--json")
	var rep evalReport
	if code != exitOK || json.Unmarshal([]byte(out), &rep) != nil || rep.Ranking == nil || rep.Ranking.N != 10 || rep.Ranking.Positives != 5 {
		t.Fatalf("exit %d %s\n%s", code, errOut, out)
	}
	if rep.Ranking.ROCAUC != 1 {
		t.Errorf("ROC AUC %v on clearly separated labels", rep.Ranking.ROCAUC)
	}
}
