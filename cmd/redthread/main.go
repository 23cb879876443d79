// Command redthread finds signs of human trafficking in online job ads and
// escort listings. This package only parses flags, wires packages together
// and maps errors to exit codes; each subcommand lives in its own file.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/redthread/redthread/errs"
)

// version is the scanner version, set at build time with
// -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// env is what a subcommand gets from the process: streams, arguments,
// environment and a logger, so tests can run commands in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	log            *slog.Logger
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// commands is filled by each subcommand file's init.
var commands = map[string]command{}

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // the work could not be done (nothing scanned, server failed)
	exitUsage   = 2 // bad flags or arguments
	exitConfig  = 3 // bad configuration: rule pack, lexicon, adapter
	exitInput   = 4 // input unreadable
)

// errUsage marks an error in how the command was called.
var errUsage = errors.New("usage")

// stopGrace is how long a command has to stop after SIGINT or SIGTERM
// before the process exits anyway; a second signal exits at once.
const stopGrace = 15 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		<-ctx.Done()
		stop() // a second signal gets the default action: exit now
		time.Sleep(stopGrace)
		fmt.Fprintln(os.Stderr, "redthread: did not stop within", stopGrace, "of the signal; exiting")
		os.Exit(exitFailure)
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	level := slog.LevelInfo
	if getenv("REDTHREAD_DEBUG") != "" {
		level = slog.LevelDebug
	}
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv,
		log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(stdout, "redthread", version)
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "redthread: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	err := cmd.run(ctx, e, args[1:])
	return exitCode(stderr, args[0], err)
}

func exitCode(stderr io.Writer, name string, err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if errors.Is(err, errUsage) {
		fmt.Fprintf(stderr, "redthread %s: %v\n", name, err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "redthread %s: %v\n", name, err)
	switch errs.KindOf(err) {
	case errs.Config:
		return exitConfig
	case errs.Invalid, errs.NotExist:
		return exitInput
	}
	return exitFailure
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "redthread finds signs of human trafficking in job ads and escort listings.")
	fmt.Fprintln(w, "\nUsage: redthread COMMAND [flags] [args]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "  version      print the version")
	fmt.Fprintln(w, "\nRun 'redthread COMMAND -h' for a command's flags.")
}

// newFlags returns a FlagSet that reports errors instead of exiting.
func newFlags(e *env, name, args string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: redthread %s %s\n\nFlags:\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, allowing flags after positional arguments
// ("scan ads.jsonl -o out.jsonl"), and returns the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
		if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
			continue
		}
	}
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }
