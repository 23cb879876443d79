package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/redthread/redthread/errs"
	"github.com/redthread/redthread/review"
)

func init() {
	commands["users"] = command{summary: "manage the web app's accounts (add, passwd, role, remove, list)", run: runUsers}
}

const usersHelp = `[--index DIR] SUBCOMMAND

  add [--role ROLE] [--password-stdin] NAME   create an account (role: viewer, analyst, admin; default analyst)
  passwd [--password-stdin] NAME              set a new password
  role NAME ROLE                              change the role
  remove NAME                                 delete the account
  list                                        names and roles

Without --password-stdin a password is generated and shown once. Changing
or removing an account ends its sessions. Every change is in the audit log.
The review store is held by 'serve' while it runs: stop it first, or use the
app's /api/users as an admin.`

func runUsers(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "users", usersHelp)
	dir := fs.String("index", indexDirDefault(e), "index `folder` (env REDTHREAD_INDEX) whose review store holds the accounts")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input instead of generating one")
	roleName := fs.String("role", string(review.DefaultRole), "`role` of a new account: viewer, analyst or admin")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("%w: want add, passwd, role, remove or list", errUsage)
	}
	want := map[string]string{"add": "add NAME", "passwd": "passwd NAME", "role": "role NAME ROLE", "remove": "remove NAME", "list": "list"}
	form, ok := want[pos[0]]
	if !ok {
		return fmt.Errorf("%w: unknown users subcommand %q (add, passwd, role, remove, list)", errUsage, pos[0])
	}
	if len(pos) != len(strings.Fields(form)) {
		return fmt.Errorf("%w: want 'users %s'", errUsage, form)
	}
	// Who made the change, for the audit log.
	actor := "cli"
	if u := e.getenv("USER"); review.ValidName(u) {
		actor = "cli:" + u
	}
	readPassword := func() (pw string, generated bool, err error) {
		if !*fromStdin {
			return review.RandomToken(12), true, nil
		}
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" {
			return "", false, errs.E("users", errs.Invalid, "no password on standard input")
		}
		return strings.TrimRight(line, "\r\n"), false, nil
	}
	var role review.Role
	switch pos[0] {
	case "add":
		role, err = review.ParseRole(*roleName)
	case "role":
		role, err = review.ParseRole(pos[2])
	}
	if err != nil {
		return err
	}
	if pos[0] != "list" && !review.ValidName(pos[1]) {
		return errs.E("users "+pos[0], errs.Invalid, fmt.Sprintf("invalid user name %q (letters, digits, . _ - @)", pos[1]))
	}
	store, err := review.Open(*dir)
	if err != nil {
		return err
	}
	defer store.Close()
	switch pos[0] {
	case "add", "passwd":
		name := pos[1]
		password, generated, err := readPassword()
		if err != nil {
			return err
		}
		if pos[0] == "add" {
			err = store.CreateUser(actor, name, password, role)
		} else {
			err = store.SetPassword(actor, name, password)
		}
		if err != nil {
			return err
		}
		switch {
		case generated:
			fmt.Fprintf(e.stdout, "user %s: password %s\n(shown once; 'users passwd' sets a new one)\n", name, password)
		case pos[0] == "add":
			fmt.Fprintf(e.stdout, "user %s: account created (%s)\n", name, role)
		default:
			fmt.Fprintf(e.stdout, "user %s: password set; sessions ended\n", name)
		}
	case "role":
		if err := store.SetRole(actor, pos[1], role); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %s: role %s; sessions ended\n", pos[1], role)
	case "remove":
		if err := store.RemoveUser(actor, pos[1]); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "user %s: removed; sessions ended\n", pos[1])
	case "list":
		users, err := store.Users()
		if err != nil {
			return err
		}
		for _, u := range users {
			fmt.Fprintf(e.stdout, "%s\t%s\n", u.Name, u.Role)
		}
	}
	return nil
}
