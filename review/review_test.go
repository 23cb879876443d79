package review

import (
	"errors"
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/redthread/redthread/errs"
)

func init() { BcryptCost = bcrypt.MinCost }

func open(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestUsersAndSessions(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	if err := s.AddUser("ana", "correct horse"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct{ name, pw string }{{"", "longenough"}, {"<script>", "longenough"}, {"bob", "short"}} {
		if err := s.AddUser(bad.name, bad.pw); !errs.Is(errs.Invalid, err) {
			t.Errorf("AddUser(%q, %q) = %v, want invalid", bad.name, bad.pw, err)
		}
	}
	if err := s.CheckPassword("ana", "correct horse"); err != nil {
		t.Errorf("right password: %v", err)
	}
	if err := s.CheckPassword("ana", "wrong horse"); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("wrong password: %v", err)
	}
	if err := s.CheckPassword("nobody", "correct horse"); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("unknown user: %v", err)
	}
	tok, sess, err := s.NewSession("ana", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Session(tok)
	if err != nil || got.User != "ana" || !got.ValidCSRF(sess.CSRF) {
		t.Fatalf("session %+v %v", got, err)
	}
	if got.ValidCSRF("forged") || got.ValidCSRF("") {
		t.Error("forged CSRF token accepted")
	}
	if _, err := s.Session("forged-token"); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("forged session: %v", err)
	}
	old, _, _ := s.NewSession("ana", -time.Second)
	if _, err := s.Session(old); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("expired session: %v", err)
	}
	if err := s.EndSession(tok); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Session(tok); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("ended session: %v", err)
	}
}

func TestReviewDurableWithAudit(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	esc, dis := Escalated, Dismissed
	bob := "bob"
	if _, err := s.Update("l1", "ana", Change{Status: &esc, Assignee: &bob, Note: "same phone as the job ad"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update("l2", "ana", Change{Status: &dis}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Update("l1", "bob", Change{Note: "called the hotline"}); err != nil {
		t.Fatal(err)
	}
	bad := Status("deleted")
	if _, err := s.Update("l1", "bob", Change{Status: &bad}); !errs.Is(errs.Invalid, err) {
		t.Errorf("bad status: %v", err)
	}
	s.Close()

	// Another day, another process.
	s = open(t, dir)
	defer s.Close()
	r, err := s.Get("l1")
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != Escalated || r.Assignee != "bob" || len(r.Notes) != 2 || r.UpdatedBy != "bob" {
		t.Errorf("review %+v", r)
	}
	if r, _ := s.Get("never"); r.Status != New {
		t.Errorf("unreviewed status %q", r.Status)
	}
	ids, _ := s.WithStatus(Escalated)
	if !slices.Equal(ids, []string{"l1"}) {
		t.Errorf("escalated %v", ids)
	}
	all, _ := s.Reviewed()
	slices.Sort(all)
	if !slices.Equal(all, []string{"l1", "l2"}) {
		t.Errorf("reviewed %v", all)
	}
	log, err := s.Audit("l1", 0)
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, e := range log {
		fields = append(fields, e.User+":"+e.Field+":"+e.New)
	}
	want := []string{"bob:note:called the hotline", "ana:note:same phone as the job ad", "ana:assignee:bob", "ana:status:escalated"}
	if !slices.Equal(fields, want) {
		t.Errorf("audit %v, want %v", fields, want)
	}
	if log[3].Old != "new" {
		t.Errorf("status change old value %q", log[3].Old)
	}
	counts, _ := s.Counts()
	if counts[Escalated] != 1 || counts[Dismissed] != 1 {
		t.Errorf("counts %v", counts)
	}
}

func TestOpenLocked(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	defer s.Close()
	old := OpenTimeout
	OpenTimeout = 100 * time.Millisecond
	defer func() { OpenTimeout = old }()
	if _, err := Open(dir); !errors.Is(err, ErrInUse) {
		t.Errorf("second open: %v", err)
	}
}

func TestParseStatus(t *testing.T) {
	for in, want := range map[string]Status{"in review": InReview, "IN_REVIEW": InReview, "escalated": Escalated, " new ": New} {
		if got, err := ParseStatus(in); err != nil || got != want {
			t.Errorf("ParseStatus(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParseStatus("closed"); err == nil {
		t.Error("closed accepted")
	}
}
