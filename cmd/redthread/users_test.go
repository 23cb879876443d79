package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redthread/redthread/review"
)

// TestUsersRolesAndRevocation: roles on add, passwd, role and remove, each
// ending the account's sessions and recorded in the audit log.
func TestUsersRolesAndRevocation(t *testing.T) {
	dir := t.TempDir()
	steps := []struct {
		stdin string
		args  []string
		code  int
		out   string
	}{
		{"", []string{"add", "--role", "admin", "root"}, 0, "password "},
		{"s3cret-passw0rd\n", []string{"add", "--password-stdin", "--role", "viewer", "vic"}, 0, "account created (viewer)"},
		{"s3cret-passw0rd\n", []string{"add", "--password-stdin", "ana"}, 0, "account created (analyst)"},
		{"", []string{"add", "ana"}, exitInput, ""},                  // exists
		{"", []string{"add", "--role", "god", "eve"}, exitInput, ""}, // bad role
		{"", []string{"role", "ana"}, exitUsage, ""},                 // missing role
		{"", []string{"rename", "ana"}, exitUsage, ""},               // unknown subcommand
		{"", []string{"role", "ghost", "viewer"}, exitInput, ""},     // no such account
		{"", []string{"list"}, 0, "ana\tanalyst\nroot\tadmin\nvic\tviewer\n"},
	}
	for _, s := range steps {
		code, out, stderr := runWebCmd(t, s.stdin, append([]string{"users", "--index", dir}, s.args...)...)
		if code != s.code || !strings.Contains(out, s.out) {
			t.Errorf("users %v: %d %q %q, want %d %q", s.args, code, out, stderr, s.code, s.out)
		}
	}
	session := func() string {
		st, err := review.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		tok, _, err := st.NewSession("ana", time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	live := func(tok string) error {
		st, err := review.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		_, err = st.Session(tok)
		return err
	}
	for _, c := range []struct {
		stdin string
		args  []string
	}{
		{"new-passw0rd-here\n", []string{"passwd", "--password-stdin", "ana"}},
		{"", []string{"role", "ana", "viewer"}},
		{"", []string{"remove", "ana"}},
	} {
		tok := session()
		if code, out, stderr := runWebCmd(t, c.stdin, append([]string{"users", "--index", dir}, c.args...)...); code != 0 {
			t.Fatalf("users %v: %d %s %s", c.args, code, out, stderr)
		}
		if err := live(tok); !errors.Is(err, review.ErrUnauthorized) {
			t.Errorf("session after users %v: %v", c.args, err)
		}
	}
	st, err := review.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	log, _ := st.Audit("", 0)
	var got []string
	for _, e := range log {
		got = append(got, e.Account+":"+e.New)
	}
	want := "ana:removed,ana:role viewer,ana:password changed,ana:created, role analyst,vic:created, role viewer,root:created, role admin"
	if strings.Join(got, ",") != want {
		t.Errorf("audit %q, want %q", strings.Join(got, ","), want)
	}
}
