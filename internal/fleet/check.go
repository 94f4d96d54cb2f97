package fleet

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/sourcegraph/conc/pool"

	"github.com/parchment-sync/parchment-sync/parchment"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// CheckLine is one verified thing: ok, warn (works, but know this) or
// fail (with what to do).
type CheckLine struct {
	Check  string `json:"check"`
	Status string `json:"status"`
	Detail string `json:"detail"`
	Fix    string `json:"fix,omitempty"`
	// severity is what a failure means: Aborted for credentials or the
	// ledger, Usage for the source or configuration.
	severity Severity
}

// OrgCheck is one organisation's checks.
type OrgCheck struct {
	Name           string      `json:"name,omitempty"`
	OrganizationID string      `json:"organization_id"`
	Checks         []CheckLine `json:"checks"`
}

// Check verifies every organisation of req without changing anything:
// its results, and the worst severity among their lines.
func (a *App) Check(ctx context.Context, req Request, logger *slog.Logger) ([]OrgCheck, Severity, error) {
	// Plan's checks only: what apply would refuse is reported as a line.
	jobs, err := a.jobs(psync.ModePlan, req)
	if err != nil {
		return nil, OK, err
	}
	results := make([]OrgCheck, len(jobs))
	p := pool.New().WithMaxGoroutines(req.Parallel)
	for i, j := range jobs {
		p.Go(func() { results[i] = a.checkOne(ctx, j, logger) })
	}
	p.Wait()
	worst := OK
	for _, r := range results {
		for _, l := range r.Checks {
			// A warning may carry a severity too: invalid rows are
			// RowsFailed, as in apply.
			if l.Status != "ok" {
				worst = max(worst, l.severity)
			}
		}
	}
	return results, worst, nil
}

func (a *App) checkOne(ctx context.Context, j Job, logger *slog.Logger) OrgCheck {
	out := OrgCheck{Name: j.Name, OrganizationID: j.OrgID}
	add := func(l CheckLine) { out.Checks = append(out.Checks, l) }
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

func (a *App) checkSource(ctx context.Context, j Job, logger *slog.Logger) CheckLine {
	rows, err := j.Source.open(ctx, a.Getenv, logger)
	defer closeRows(rows)
	var v Validation
	if err == nil {
		v, err = summarise(ctx, rows)
	}
	if err != nil {
		return CheckLine{Check: "source", Status: "fail", Detail: err.Error(), Fix: "fix the file or query it names; validate lists every problem", severity: Usage}
	}
	detail := fmt.Sprintf("%s: %d rows, %d valid, %d invalid, %d skipped", j.Source.name(), v.Rows, v.Valid, v.Invalid, v.Skipped)
	if v.Invalid > 0 {
		// apply skips invalid rows and syncs the rest, exiting 1: so does check.
		return CheckLine{Check: "source", Status: "warn", Detail: detail,
			Fix: fmt.Sprintf("%d invalid rows will be skipped; run validate with the same source for each row's problems", v.Invalid), severity: RowsFailed}
	}
	return CheckLine{Check: "source", Status: "ok", Detail: detail}
}

// checkParchment asks the base URL, exchanges credentials, lists the granted scopes, calls
// validate and reads one page of users: nothing is changed.
func (a *App) checkParchment(ctx context.Context, j Job, logger *slog.Logger) []CheckLine {
	fail := func(check, detail, fix string) []CheckLine {
		return []CheckLine{{Check: check, Status: "fail", Detail: detail, Fix: fix, severity: Aborted}}
	}
	if j.APIURL == "" {
		return []CheckLine{{Check: "api", Status: "fail", Detail: "no API URL", Fix: "set " + j.where("api_url"), severity: Usage}}
	}
	if err := parchment.CheckBaseURL(j.APIURL); err != nil {
		return []CheckLine{{Check: "api", Status: "fail", Detail: "the API URL " + err.Error(), Fix: "set " + j.where("api_url"), severity: Usage}}
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
		return []CheckLine{probe}
	}
	out := []CheckLine{probe}
	client, err := parchment.New(a.parchmentConfig(j, logger))
	if err != nil {
		return append(out, fail("credentials", err.Error(), "check the credentials' variables")...)
	}
	scopes, known, err := client.GrantedScopes(ctx)
	switch {
	case err != nil:
		return append(out, parchmentFailure("token", j, err))
	case !known:
		out = append(out, CheckLine{Check: "token", Status: "ok", Detail: j.secrets.token + " is set: its scopes show only when Parchment refuses a call"})
	default:
		l := CheckLine{Check: "token", Status: "ok", Detail: "granted " + strings.Join(scopes, ", ")}
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
			out = append(out, CheckLine{Check: "validate", Status: "warn", Detail: fmt.Sprintf("refused (%d): it needs the create:patient scope, which syncing users does not", pe.Status)})
		} else {
			return append(out, parchmentFailure("validate", j, err))
		}
	} else {
		out = append(out, CheckLine{Check: "validate", Status: "ok", Detail: fmt.Sprintf("validated: %t", v.Validated)})
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
	return append(out, CheckLine{Check: "users", Status: "ok", Detail: fmt.Sprintf("one page read (%d users in the organisation, request %s)", list.Total, list.RequestID)})
}
