package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/sourcegraph/conc/pool"
	"github.com/spf13/cobra"

	"github.com/parchment-sync/parchment-sync/parchment"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// checkLine is one verified thing: ok, warn (works, but know this) or
// fail (with what to do).
type checkLine struct {
	Check  string `json:"check"`
	Status string `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
	// code is the exit a failure maps to: 3 credentials or ledger, 2 source
	// or configuration.
	code int
}

type orgCheck struct {
	Name           string      `json:"name,omitempty"`
	OrganizationID string      `json:"organization_id"`
	Checks         []checkLine `json:"checks"`
}

func (a *app) checkCommand() *cobra.Command {
	f := &syncFlags{}
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Verify credentials, ledger and source without changing anything",
		Long: "check obtains a token and lists the granted scopes, calls validate, reads one page of users,\n" +
			"checks the ledger is reachable and migrated, and reads and validates the source.\n" +
			"It asks the base URL first, without credentials, so a wrong URL is never reported as a credential problem.\n" +
			"Exit 0: all good; 1: some rows invalid (apply would skip them); 3: the API, a credential or ledger problem; 2: a source or configuration problem.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runCheck(cmd.Context(), f) },
	}
	f.register(cmd)
	return cmd
}

func (a *app) runCheck(ctx context.Context, f *syncFlags) error {
	if err := f.resolve(); err != nil {
		return err
	}
	logger, err := a.loggerTo(a.stderr, f.logLevel, f.ops.logFormat)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	// Plan's checks only: what apply would refuse is reported as a line.
	jobs, err := a.jobs(psync.ModePlan, f)
	if err != nil {
		return err
	}
	results := make([]orgCheck, len(jobs))
	p := pool.New().WithMaxGoroutines(f.fleet.parallel)
	for i, j := range jobs {
		p.Go(func() { results[i] = a.checkOne(ctx, j, logger) })
	}
	p.Wait()

	code := ExitOK
	for _, r := range results {
		for _, l := range r.Checks {
			// A warning may carry an exit code too: invalid rows exit 1, as in apply.
			if l.Status != "ok" && severity(l.code) < severity(code) {
				code = l.code
			}
		}
	}
	if err := a.writeChecks(f.output, results, code == ExitOK); err != nil {
		return withCode(ExitAborted, err)
	}
	if code != ExitOK {
		return withCode(code, nil)
	}
	return nil
}

func (a *app) checkOne(ctx context.Context, j job, logger *slog.Logger) orgCheck {
	out := orgCheck{Name: j.name, OrganizationID: j.orgID}
	add := func(l checkLine) { out.Checks = append(out.Checks, l) }
	add(a.checkSource(ctx, j, logger))
	add(a.checkLedger(ctx, j, logger))
	for _, l := range ledgerExposure(j) {
		add(l)
	}
	for _, l := range a.checkParchment(ctx, j, logger) {
		add(l)
	}
	return out
}

func (a *app) checkSource(ctx context.Context, j job, logger *slog.Logger) checkLine {
	rows, err := j.source.open(ctx, a.getenv, logger)
	defer closeRows(rows)
	var v validation
	if err == nil {
		v, err = summarise(ctx, rows)
	}
	if err != nil {
		return checkLine{Check: "source", Status: "fail", Detail: err.Error(), Fix: "fix the file or query it names; validate lists every problem", code: ExitUsage}
	}
	detail := fmt.Sprintf("%s: %d rows, %d valid, %d invalid, %d skipped", j.source.name(), v.Rows, v.Valid, v.Invalid, v.Skipped)
	if v.Invalid > 0 {
		// apply skips invalid rows and syncs the rest, exiting 1: so does check.
		return checkLine{Check: "source", Status: "warn", Detail: detail,
			Fix: fmt.Sprintf("%d invalid rows will be skipped; run validate with the same source for each row's problems", v.Invalid), code: ExitFailures}
	}
	return checkLine{Check: "source", Status: "ok", Detail: detail}
}

// checkParchment asks the base URL, exchanges credentials, lists the granted scopes, calls
// validate and reads one page of users: nothing is changed.
func (a *app) checkParchment(ctx context.Context, j job, logger *slog.Logger) []checkLine {
	fail := func(check, detail, fix string) []checkLine {
		return []checkLine{{Check: check, Status: "fail", Detail: detail, Fix: fix, code: ExitAborted}}
	}
	if j.apiURL == "" {
		return []checkLine{{Check: "api", Status: "fail", Detail: "no API URL", Fix: "set " + j.where("api_url"), code: ExitUsage}}
	}
	if err := parchment.CheckBaseURL(j.apiURL); err != nil {
		return []checkLine{{Check: "api", Status: "fail", Detail: "the API URL " + err.Error(), Fix: "set " + j.where("api_url"), code: ExitUsage}}
	}
	if errs := a.checkSecrets(j); len(errs) > 0 {
		var msgs []string
		for _, e := range errs {
			msgs = append(msgs, e.Error())
		}
		return fail("credentials", strings.Join(msgs, "; "), "set the variables named")
	}
	// The URL first: when it does not answer as the API, nothing can be
	// said of the credentials.
	probe, ok := a.probeAPI(ctx, j, logger)
	if !ok {
		return []checkLine{probe}
	}
	out := []checkLine{probe}
	client, err := parchment.New(a.parchmentConfig(j, logger))
	if err != nil {
		return append(out, fail("credentials", err.Error(), "check the credentials' variables")...)
	}
	scopes, known, err := client.GrantedScopes(ctx)
	switch {
	case err != nil:
		return append(out, parchmentFailure("token", j, err))
	case !known:
		out = append(out, checkLine{Check: "token", Status: "ok", Detail: j.secrets.token + " is set: its scopes show only when Parchment refuses a call"})
	default:
		l := checkLine{Check: "token", Status: "ok", Detail: "granted " + strings.Join(scopes, ", ")}
		var missing []string
		for _, s := range []string{parchment.ScopeCreateUser, parchment.ScopeReadUser, parchment.ScopeReadUsers, parchment.ScopeUpdateUser} {
			if !slices.Contains(scopes, s) {
				missing = append(missing, s)
			}
		}
		if dropped := client.DroppedScopes(); len(dropped) > 0 {
			l.Detail += "; not requested, as the organisation is not approved for them: " + strings.Join(dropped, ", ")
		}
		if len(missing) > 0 {
			l.Status, l.Fix = "warn", "not granted: "+strings.Join(missing, ", ")+"; the changes needing them are reported failed, the rest go on; ask Parchment to grant them"
		}
		out = append(out, l)
	}
	if v, err := client.Validate(ctx); err != nil {
		if pe, ok := parchment.AsError(err); ok && (pe.Status == 403 || pe.ScopeRefusal()) {
			// validate needs create:patient: a users-only integration may
			// lack it, and the docs show that refusal as 401 as well as 403.
			out = append(out, checkLine{Check: "validate", Status: "warn", Detail: fmt.Sprintf("refused (%d): it needs the create:patient scope, which syncing users does not", pe.Status)})
		} else {
			return append(out, parchmentFailure("validate", j, err))
		}
	} else {
		out = append(out, checkLine{Check: "validate", Status: "ok", Detail: fmt.Sprintf("validated: %t", v.Validated)})
	}
	// validate's 403 must not stop the client for the listing.
	client, err = parchment.New(a.parchmentConfig(j, logger))
	if err != nil {
		return append(out, fail("users", err.Error(), "")...)
	}
	list, err := client.ListUsersPage(ctx, 1)
	if err != nil {
		l := parchmentFailure("users", j, err)
		if parchment.Kind(err) == parchment.KindScope {
			l.Fix = "the integration must be allowed to list users (read:users): ask Parchment to grant it"
		}
		return append(out, l)
	}
	return append(out, checkLine{Check: "users", Status: "ok", Detail: fmt.Sprintf("one page read (%d users in the organisation, request %s)", list.Total, list.RequestID)})
}

func (a *app) writeChecks(format string, results []orgCheck, allGood bool) error {
	if format == "json" {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Organizations []orgCheck `json:"organizations"`
			OK            bool       `json:"ok"`
		}{results, allGood})
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	for _, r := range results {
		name := r.Name
		if name == "" {
			name = r.OrganizationID
		}
		for _, l := range r.Checks {
			line := l.Detail
			if l.Fix != "" {
				line += " (" + l.Fix + ")"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", l.Status, name, l.Check, line)
		}
	}
	return tw.Flush()
}
