// Package cli is parchment-sync's command line: commands, flags, output
// and progress over the application (internal/fleet); flags and the
// environment in, an exit code out.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/redact"
)

// Exit codes are part of the command's contract with operators' scripts.
const (
	ExitOK       = 0  // done; manual and orphaned rows are not failures
	ExitFailures = 1  // finished, with some rows invalid or failed
	ExitUsage    = 2  // usage, configuration or unreadable source; nothing sent
	ExitAborted  = 3  // credentials rejected, ledger unreachable, interrupted
	ExitHeld     = 4  // held by the mass-leaver guard; nothing sent
	ExitLocked   = 75 // another run holds the organisation (EX_TEMPFAIL)
)

// Run executes the command line args and returns the process exit code.
// SIGINT and SIGTERM end ctx: a run then starts no new call and records
// the ones in flight before it returns.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, args, os.Getenv, stdin, stdout, stderr)
}

// env reads one environment variable; tests pass their own.
type env func(string) string

// app carries what every command needs; one per invocation, never global.
type app struct {
	getenv env
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// redactor knows every secret the invocation read, registered where
	// it was read, and cleans what servers and databases wrote.
	redactor *redact.Redactor
	// fleet is the application the commands drive.
	fleet *fleet.App
}

func run(ctx context.Context, args []string, getenv env, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	defer func() {
		// A bug must still end in a message and an exit code, not a trace
		// that might print record values.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "parchment-sync: internal error: %v\n", r)
			code = ExitAborted
		}
	}()
	a := &app{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr, redactor: redact.New()}
	a.fleet = &fleet.App{Getenv: getenv, Redactor: a.redactor, ExitCode: exitCode}
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var fe *fleet.Error
	if errors.As(err, &fe) {
		if fe.Err != nil {
			fmt.Fprintf(stderr, "parchment-sync: %s\n", a.redactor.Secrets(fe.Err.Error()))
		}
		return exitCode(fe.Severity)
	}
	// Anything cobra itself rejects (unknown flag or command) is usage.
	fmt.Fprintf(stderr, "parchment-sync: %s\n", a.redactor.Secrets(err.Error()))
	return ExitUsage
}

// exitCode is the one place a severity becomes an exit code.
func exitCode(s fleet.Severity) int {
	switch s {
	case fleet.OK:
		return ExitOK
	case fleet.RowsFailed:
		return ExitFailures
	case fleet.Usage:
		return ExitUsage
	case fleet.Held:
		return ExitHeld
	case fleet.Locked:
		return ExitLocked
	}
	return ExitAborted
}

// withCode and usageErr give a command's failure its severity.
func withCode(s fleet.Severity, err error) error { return fleet.Fail(s, err) }

func usageErr(format string, args ...any) error { return fleet.Usagef(format, args...) }

func (a *app) rootCommand() *cobra.Command {
	root := &cobra.Command{
		Use:           "parchment-sync",
		Short:         "Keep a Parchment organisation's users in step with a clinic's staff roster",
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       versionText(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.AddCommand(a.versionCommand())
	root.AddCommand(a.planCommand(), a.applyCommand(), a.checkCommand(), a.runsCommand(), a.showCommand(), a.validateCommand(), a.sandboxCommand(), a.ledgerCommand(),
		a.workerCommand(), a.enqueueCommand(), a.jobsCommand())
	root.AddCommand(a.connectCommand())
	return root
}
