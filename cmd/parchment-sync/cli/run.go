// Package cli is parchment-sync's command line: flags and environment in,
// an exit code out.
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
	root := a.rootCommand()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ce *codeError
	if errors.As(err, &ce) {
		if ce.err != nil {
			fmt.Fprintf(stderr, "parchment-sync: %s\n", a.redactor.Secrets(ce.err.Error()))
		}
		return ce.code
	}
	// Anything cobra itself rejects (unknown flag or command) is usage.
	fmt.Fprintf(stderr, "parchment-sync: %s\n", a.redactor.Secrets(err.Error()))
	return ExitUsage
}

// codeError carries the exit code a failure maps to; err (may be nil when
// the report already said everything) is printed to stderr.
type codeError struct {
	code int
	err  error
}

func (e *codeError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *codeError) Unwrap() error { return e.err }

func withCode(code int, err error) error { return &codeError{code: code, err: err} }

func usageErr(format string, args ...any) error {
	return withCode(ExitUsage, fmt.Errorf(format, args...))
}

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
