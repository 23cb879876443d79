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
	commands["users"] = command{summary: "manage analyst accounts of the web app (add, list)", run: runUsers}
}

func runUsers(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "users", "add [--index DIR] [--password-stdin] NAME | list [--index DIR]")
	dir := fs.String("index", indexDirDefault(e), "index `folder` (env REDTHREAD_INDEX) whose review store holds the accounts")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input instead of generating one")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("%w: want 'add NAME' or 'list'", errUsage)
	}
	switch pos[0] {
	case "add":
		if len(pos) != 2 {
			return fmt.Errorf("%w: want 'users add NAME'", errUsage)
		}
		name := pos[1]
		if !review.ValidName(name) {
			return errs.E("users add", errs.Invalid, fmt.Sprintf("invalid user name %q (letters, digits, . _ - @)", name))
		}
		password, generated := "", false
		if *fromStdin {
			line, err := bufio.NewReader(e.stdin).ReadString('\n')
			if err != nil && line == "" {
				return errs.E("users add", errs.Invalid, "no password on standard input")
			}
			password = strings.TrimRight(line, "\r\n")
		} else {
			password, generated = review.RandomToken(12), true
		}
		store, err := review.Open(*dir)
		if err != nil {
			return err
		}
		defer store.Close()
		if err := store.AddUser(name, password); err != nil {
			return err
		}
		if generated {
			fmt.Fprintf(e.stdout, "user %s: password %s\n(shown once; run 'users add' again to set a new one)\n", name, password)
		} else {
			fmt.Fprintf(e.stdout, "user %s: password set\n", name)
		}
		return nil
	case "list":
		store, err := review.Open(*dir)
		if err != nil {
			return err
		}
		defer store.Close()
		users, err := store.Users()
		if err != nil {
			return err
		}
		for _, u := range users {
			fmt.Fprintln(e.stdout, u)
		}
		return nil
	}
	return fmt.Errorf("%w: unknown users subcommand %q (add, list)", errUsage, pos[0])
}
