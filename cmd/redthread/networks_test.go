package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/redthread/redthread/corpus"
	"github.com/redthread/redthread/links"
)

func linksRun(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb, func(string) string { return "" })
	return out.String(), errb.String(), code
}

func linksWriteFile(t *testing.T, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func linksReadResults(t *testing.T, path string) map[string]*corpus.Result {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*corpus.Result{}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r corpus.Result
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		out[r.ID] = &r
	}
	return out
}

func linksHit(r *corpus.Result, id string) *corpus.Hit {
	for i := range r.Indicators {
		if r.Indicators[i].ID == id {
			return &r.Indicators[i]
		}
	}
	return nil
}

// TestScanLinksAcrossBatches scans batch A, then batch B in a separate
// command run with the same --links directory: B links to A.
func TestScanLinksAcrossBatches(t *testing.T) {
	dir := t.TempDir()
	reg := filepath.Join(dir, "registry")
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	linksWriteFile(t, a, `{"id":"a1","country":"RS","posted_at":"2026-09-01T10:00:00Z","location":"Beograd","body":"Posao u Nemačkoj, smeštaj obezbeđen. Viber 063/555-0172."}`+"\n")
	linksWriteFile(t, b, `{"id":"b1","country":"AT","posted_at":"2026-10-01T10:00:00Z","location":"Wien","body":"Neue Mädchen in Wien, WhatsApp +381 63 555 0172."}`+"\n"+
		`{"id":"b2","country":"AT","body":"Bäckerei sucht Verkäuferin in Graz, Tel. 0316 555 123."}`+"\n")
	ra, rb := filepath.Join(dir, "ra.jsonl"), filepath.Join(dir, "rb.jsonl")
	if _, errs, code := linksRun(t, "scan", "-q", "--embed-listing", "--links", reg, a, "-o", ra); code != 0 {
		t.Fatalf("scan A: exit %d: %s", code, errs)
	}
	if _, errs, code := linksRun(t, "scan", "-q", "--embed-listing", "--links", reg, b, "-o", rb); code != 0 {
		t.Fatalf("scan B: exit %d: %s", code, errs)
	}
	res := linksReadResults(t, rb)
	h := linksHit(res["b1"], "network.shared_contact")
	if h == nil || !slices.Equal(h.Linked, []string{"a1"}) {
		t.Fatalf("b1: shared_contact %+v, want linked [a1]", h)
	}
	if linksHit(res["b2"], "network.shared_contact") != nil {
		t.Error("b2 is linked")
	}
	// --no-links: no registry, no links.
	rn := filepath.Join(dir, "rn.jsonl")
	if _, errs, code := linksRun(t, "scan", "-q", "--no-links", b, "-o", rn); code != 0 {
		t.Fatalf("scan --no-links: exit %d: %s", code, errs)
	}
	if linksHit(linksReadResults(t, rn)["b1"], "network.shared_contact") != nil {
		t.Error("--no-links still linked")
	}

	// networks over both result files: one network a1-b1.
	out, errs, code := linksRun(t, "networks", ra, rb)
	if code != 0 {
		t.Fatalf("networks: exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 {
		t.Fatalf("networks wrote %d lines, want 1:\n%s", len(lines), out)
	}
	var n links.Network
	if err := json.Unmarshal([]byte(lines[0]), &n); err != nil {
		t.Fatal(err)
	}
	if n.Size != 2 || !slices.Equal(n.Members, []string{"a1", "b1"}) || !slices.Contains(n.Shared, "phone:+381635550172") ||
		n.FirstSeen != "2026-09-01T10:00:00Z" || n.LastSeen != "2026-10-01T10:00:00Z" || len(n.Locations) != 2 || n.MaxScoreID == "" {
		t.Errorf("network %+v", n)
	}
	// B's results alone: a1 is a member known only from the link.
	out, _, _ = linksRun(t, "networks", rb)
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &n); err != nil || !slices.Equal(n.Unscanned, []string{"a1"}) {
		t.Errorf("networks of B alone: %s (%v)", out, err)
	}
}

func TestScanHashListFlagErrors(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	linksWriteFile(t, in, `{"id":"x","body":"hello"}`+"\n")
	bad := filepath.Join(dir, "list.csv")
	linksWriteFile(t, bad, "zz,pdq,list\n")
	if _, errs, code := linksRun(t, "scan", "-q", "--hash-list", bad, in); code != exitConfig || !strings.Contains(errs, "list.csv line 1") {
		t.Errorf("bad hash list: exit %d, stderr %q", code, errs)
	}
	if _, _, code := linksRun(t, "networks"); code != exitUsage {
		t.Errorf("networks without files: exit %d", code)
	}
}

// TestNetworksTemplatesAndSuppressed: scan copies of one ad without any
// contact (linked as reposts) and a switchboard number across unrelated
// ads (generic at --generic-limit 3), then networks: the family comes with
// its template and slots, the number as a suppressed key with its count.
func TestNetworksTemplatesAndSuppressed(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	var b strings.Builder
	for i, city := range []string{"Leeds", "York", "Hull", "Bath"} {
		fmt.Fprintf(&b, `{"id":"fam%d","country":"GB","source":"site%d","location":%q,"body":"Beautiful new girl just arrived in %s for a few days only. Sweet, friendly and discreet, available day and night for gentlemen who like to relax. Outcalls to hotels and incalls in a private flat."}`+"\n", i, i%2, city, city)
	}
	for i, body := range []string{
		"Delivery drivers wanted for our depot, full licence needed.",
		"Sweet new girl in town, outcalls only, discreet.",
		"Praca przy zbiorach truskawek w Anglii, zakwaterowanie zapewnione.",
		"Erntehelfer gesucht, Unterkunft vorhanden, sofort anfangen.",
	} {
		fmt.Fprintf(&b, `{"id":"sw%d","country":"GB","source":"other%d","body":%q}`+"\n", i, i, body+" Agency line 020 7946 0123.")
	}
	linksWriteFile(t, in, b.String())
	res := filepath.Join(dir, "res.jsonl")
	if _, errs, code := linksRun(t, "scan", "-q", "--embed-listing", "--generic-limit", "3", in, "-o", res); code != 0 {
		t.Fatalf("scan: exit %d: %s", code, errs)
	}
	rs := linksReadResults(t, res)
	if h := linksHit(rs["fam0"], "network.repost"); h == nil || len(h.Linked) != 3 {
		t.Errorf("fam0: repost %+v, want 3 linked", h)
	}
	if h := linksHit(rs["sw0"], "network.generic_key"); h == nil || !strings.Contains(h.Evidence[0].Note, "shared by 4 listings") {
		t.Errorf("sw0: generic_key %+v", h)
	}
	out, errs, code := linksRun(t, "networks", res)
	if code != 0 {
		t.Fatalf("networks: exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("networks wrote %d lines, want a network and a suppressed key:\n%s", len(lines), out)
	}
	var n links.Network
	if err := json.Unmarshal([]byte(lines[0]), &n); err != nil {
		t.Fatal(err)
	}
	if len(n.Templates) != 1 {
		t.Fatalf("network %+v: want one template family", n)
	}
	tf := n.Templates[0]
	if tf.Size != 4 || tf.Aligned != 4 || len(tf.Slots) != 1 || tf.Slots[0].Kind != "location" || tf.Slots[0].Distinct != 4 ||
		!strings.Contains(tf.Template, "just arrived in [[slot 1]] for a few days") || !slices.Equal(tf.Sites, []string{"site0", "site1"}) {
		t.Errorf("family %+v", tf)
	}
	var s links.SuppressedKey
	if err := json.Unmarshal([]byte(lines[1]), &s); err != nil {
		t.Fatal(err)
	}
	if s.Key != "phone:+442079460123" || s.Kind != "contact" || s.Listings != 4 || !strings.Contains(s.Note, "shared by 4 listings") {
		t.Errorf("suppressed %+v", s)
	}
}
