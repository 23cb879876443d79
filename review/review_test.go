package review

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
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
	if err := s.CreateUser("cli", "ana", "correct horse", RoleAnalyst); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		name, pw string
		role     Role
	}{{"", "longenough", RoleViewer}, {"<script>", "longenough", RoleViewer}, {"bob", "short", RoleViewer},
		{"bob", "longenough", "root"}, {"ana", "longenough", RoleViewer}} {
		if err := s.CreateUser("cli", bad.name, bad.pw, bad.role); !errs.Is(errs.Invalid, err) {
			t.Errorf("CreateUser(%q, %q, %q) = %v, want invalid", bad.name, bad.pw, bad.role, err)
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
	for _, u := range []string{"ana", "bob"} {
		if err := s.CreateUser("cli", u, "correct horse", RoleAnalyst); err != nil {
			t.Fatal(err)
		}
	}
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

func TestRoles(t *testing.T) {
	for _, c := range []struct {
		r, min Role
		want   bool
	}{
		{RoleViewer, RoleViewer, true}, {RoleViewer, RoleAnalyst, false}, {RoleViewer, RoleAdmin, false},
		{RoleAnalyst, RoleViewer, true}, {RoleAnalyst, RoleAnalyst, true}, {RoleAnalyst, RoleAdmin, false},
		{RoleAdmin, RoleViewer, true}, {RoleAdmin, RoleAnalyst, true}, {RoleAdmin, RoleAdmin, true},
		{"", RoleViewer, false}, {"root", RoleViewer, false},
	} {
		if got := c.r.Allows(c.min); got != c.want {
			t.Errorf("%q.Allows(%q) = %v", c.r, c.min, got)
		}
	}
	if _, err := ParseRole("superuser"); !errs.Is(errs.Invalid, err) {
		t.Errorf("ParseRole(superuser) = %v", err)
	}
	if r, err := ParseRole(" Admin "); err != nil || r != RoleAdmin {
		t.Errorf("ParseRole(Admin) = %q, %v", r, err)
	}
}

// TestAccountChanges: a viewer cannot change reviews, reviews are only
// assigned to existing accounts, every account change ends the account's
// sessions and is in the audit log.
func TestAccountChanges(t *testing.T) {
	s := open(t, t.TempDir())
	defer s.Close()
	for _, u := range []struct {
		name string
		role Role
	}{{"root", RoleAdmin}, {"ana", RoleAnalyst}, {"vic", RoleViewer}} {
		if err := s.CreateUser("cli", u.name, "correct horse", u.role); err != nil {
			t.Fatal(err)
		}
	}
	esc := Escalated
	if _, err := s.Update("l1", "vic", Change{Status: &esc}); !errors.Is(err, ErrForbidden) {
		t.Errorf("viewer changed a review: %v", err)
	}
	if _, err := s.Update("l1", "ghost", Change{Status: &esc}); !errors.Is(err, ErrForbidden) {
		t.Errorf("unknown account changed a review: %v", err)
	}
	ghost, vic := "ghost", "vic"
	if _, err := s.Update("l1", "ana", Change{Assignee: &ghost}); !errs.Is(errs.Invalid, err) {
		t.Errorf("assigned to a missing account: %v", err)
	}
	if _, err := s.Update("l1", "ana", Change{Assignee: &vic}); err != nil {
		t.Errorf("assign to an existing account: %v", err)
	}

	session := func(user string) string {
		t.Helper()
		tok, _, err := s.NewSession(user, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	for _, c := range []struct {
		name   string
		change func() error
		gone   bool
	}{
		{"passwd", func() error { return s.SetPassword("root", "ana", "new horse staple") }, false},
		{"role", func() error { return s.SetRole("root", "ana", RoleViewer) }, false},
		{"remove", func() error { return s.RemoveUser("root", "ana") }, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			tok, other := session("ana"), session("vic")
			if sess, err := s.Session(tok); err != nil || sess.Role == "" {
				t.Fatalf("session before: %+v %v", sess, err)
			}
			if err := c.change(); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Session(tok); !errors.Is(err, ErrUnauthorized) {
				t.Errorf("session still valid after %s: %v", c.name, err)
			}
			if _, err := s.Session(other); err != nil {
				t.Errorf("another account's session ended: %v", err)
			}
			accts, _ := s.Users()
			found := slices.ContainsFunc(accts, func(a Account) bool { return a.Name == "ana" })
			if found == c.gone {
				t.Errorf("account listed: %v, want %v", found, !c.gone)
			}
		})
	}
	if err := s.CheckPassword("ana", "new horse staple"); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("removed account can log in: %v", err)
	}
	if err := s.SetRole("root", "ana", RoleAdmin); !errs.Is(errs.NotExist, err) {
		t.Errorf("role of a removed account: %v", err)
	}
	log, err := s.Audit("", 0)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range log {
		if e.Field == "account" {
			got = append(got, e.User+":"+e.Account+":"+e.New)
		}
	}
	want := []string{"root:ana:removed", "root:ana:role viewer", "root:ana:password changed",
		"cli:vic:created, role viewer", "cli:ana:created, role analyst", "cli:root:created, role admin"}
	if !slices.Equal(got, want) {
		t.Errorf("account audit %v, want %v", got, want)
	}
}

// TestDummyHashCost: an unknown name is checked against a hash of the same
// cost as real ones, so the check takes as long (BenchmarkCheckPassword).
func TestDummyHashCost(t *testing.T) {
	defer func(c int) { BcryptCost = c }(BcryptCost)
	BcryptCost = bcrypt.MinCost + 1 // not the cost a careless dummy would use
	s := open(t, t.TempDir())
	defer s.Close()
	if err := s.CreateUser("cli", "ana", "correct horse", RoleAnalyst); err != nil {
		t.Fatal(err)
	}
	var real []byte
	s.db.View(func(tx *bolt.Tx) error {
		rec, _, _ := getUser(tx, "ana")
		real = rec.Hash
		return nil
	})
	rc, err1 := bcrypt.Cost(real)
	dc, err2 := bcrypt.Cost(dummyHash(BcryptCost))
	if err1 != nil || err2 != nil || rc != dc || rc != BcryptCost {
		t.Errorf("real hash cost %d (%v), dummy %d (%v)", rc, err1, dc, err2)
	}
}

func TestLoginFailedAudited(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "review.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.CreateUser("admin", "ana", "a long enough password", RoleAnalyst); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"ana", "hunter2-typed-as-a-name"} {
		if err := s.LoginFailed(name, "wrong name or password", "192.0.2.7"); err != nil {
			t.Fatal(err)
		}
	}
	es, err := s.Audit("", 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		if e.Field == "login failed" {
			got = append(got, e.Account+" from "+e.New)
		}
	}
	want := []string{"unknown account from 192.0.2.7", "ana from 192.0.2.7"} // newest first
	if !slices.Equal(got, want) {
		t.Errorf("audit: %q, want %q", got, want)
	}
}
