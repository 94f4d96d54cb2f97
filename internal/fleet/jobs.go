package fleet

import (
	"errors"
	"fmt"
	"strings"

	"github.com/parchment-sync/parchment-sync/ledger"
	"github.com/parchment-sync/parchment-sync/parchment"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Job is one organisation's run, however it was configured: by flags and
// the environment, or by one entry of a config file.
type Job struct {
	// Name is the config file's Name for the organisation; empty for flags.
	Name        string
	OrgID       string
	APIURL      string
	LedgerURL   string
	Source      Source
	Rate        float64
	Burst       int
	Concurrency int
	Limits      Limits
	Lifecycle   Lifecycle
	Settings    Settings
	secrets     secretEnv
	Refresh     bool
	// expect is the reviewed plan an apply --plan must match.
	expect *psync.Expectation
	// where says, for messages, where the job was configured.
	where func(key string) string
}

// secretEnv names the environment variables holding one organisation's
// secrets: the values never appear in flags or files.
type secretEnv struct {
	organizationSecret, token, partnerID, partnerSecret, userID string
}

func standardSecretEnv() secretEnv {
	return secretEnv{EnvOrganizationSecret, EnvToken, EnvPartnerID, EnvPartnerSecret, EnvUserID}
}

// jobs builds and checks every organisation's job before anything runs:
// one bad entry stops them all with a usage error.
func (a *App) jobs(mode psync.Mode, req Request) ([]Job, error) {
	var jobs []Job
	if req.ConfigFile == "" {
		jobs = []Job{a.flagJob(req.Job)}
	} else {
		orgs, err := LoadConfig(req.ConfigFile, a.Getenv)
		if err != nil {
			return nil, err
		}
		if orgs, err = SelectOrgs(orgs, req.Orgs); err != nil {
			return nil, err
		}
		for _, o := range orgs {
			j, err := a.configJob(req, o)
			if err != nil {
				return nil, Fail(Usage, err)
			}
			jobs = append(jobs, j)
		}
	}
	for i := range jobs {
		jobs[i].Refresh = req.Job.Refresh
	}
	if req.PlanIn != "" {
		if err := usePlan(req.PlanIn, jobs, req.given, settingsOf(req.Job)); err != nil {
			return nil, Fail(Usage, err)
		}
	}
	var errs []error
	for _, j := range jobs {
		a.registerSecrets(j)
		errs = append(errs, a.checkJob(mode, j)...)
	}
	if len(errs) > 0 {
		return nil, Fail(Usage, errors.Join(errs...))
	}
	return jobs, nil
}

// usePlan gives each job its reviewed plan: the plan's settings, and what
// the apply must match. Flags given that contradict it are refused.
func usePlan(path string, jobs []Job, given func(flag string) bool, flags planSettings) error {
	pf, err := readPlanFile(path)
	if err != nil {
		return err
	}
	for i := range jobs {
		p, err := pf.planFor(jobs[i])
		if err != nil {
			return err
		}
		if bad := p.Settings.contradictions(given, flags); len(bad) > 0 {
			return contradictionErr(path, bad)
		}
		if err := jobs[i].Settings.samePlanned(p.Settings, jobs[i].where); err != nil {
			return prefixed(jobs[i].Name, []error{err})[0]
		}
		jobs[i].Lifecycle, jobs[i].Refresh = p.Settings.lifecycle(), p.Settings.Refresh
		jobs[i].expect = &psync.Expectation{Fingerprints: p.Fingerprints, Changes: p.Changes}
	}
	return nil
}

// flagJob is the one organisation the flags and environment describe.
func (a *App) flagJob(j Job) Job {
	a.wireHRIS(&j.Source, nil)
	j.OrgID = firstSet(j.OrgID, a.Getenv(EnvOrganizationID))
	j.APIURL = firstSet(j.APIURL, a.Getenv(EnvAPIURL))
	j.LedgerURL = firstSet(j.LedgerURL, a.Getenv(EnvLedgerURL), a.Getenv(EnvDatabaseURL), a.defaultLedger())
	j.secrets = standardSecretEnv()
	j.where = func(key string) string {
		switch key {
		case "organization_id":
			return "--organization-id or " + EnvOrganizationID
		case "api_url":
			return "--api-url or " + EnvAPIURL
		case "ledger":
			return fmt.Sprintf("--ledger, %s or %s", EnvLedgerURL, EnvDatabaseURL)
		}
		return "--" + strings.ReplaceAll(key, "_", "-")
	}
	return j
}

// configJob is one config file entry; flags given on the command line win
// over the file for settings that are not the organisation's identity.
func (a *App) configJob(req Request, o Org) (Job, error) {
	f := req.Job
	j := Job{
		Name: o.name(), OrgID: o.Text("organization_id"),
		APIURL:    firstSet(o.Text("api_url"), a.Getenv(EnvAPIURL)),
		LedgerURL: firstSet(o.Text("ledger"), a.Getenv(EnvLedgerURL), a.Getenv(EnvDatabaseURL), a.defaultLedger()),
		Source: Source{
			CSV: o.Text("csv"), Mapping: o.Text("mapping"), DB: o.Text("source_db"), Query: o.Text("source_query"),
		},
		Rate: f.Rate, Burst: f.Burst, Concurrency: f.Concurrency, Limits: f.Limits, Lifecycle: f.Lifecycle,
		secrets: standardSecretEnv(),
		where: func(key string) string {
			return fmt.Sprintf("%s (%s of organisation %q)", o.where(key), key, o.name())
		},
	}
	j.Settings.fromConfig(o)
	var errs []error
	if o.readsHR("deputy") {
		j.Source.Deputy.URL = f.Source.Deputy.URL
	}
	a.wireHRIS(&j.Source, &o)
	if k, err := keypayFromConfig(o); err != nil {
		errs = append(errs, err)
	} else {
		j.Source.KeyPay = k
	}
	numbers := []struct {
		key, flag string
		into      any
	}{
		{"burst", "burst", &j.Burst}, {"concurrency", "concurrency", &j.Concurrency},
		{"absent_runs", "absent-runs", &j.Lifecycle.AbsentRuns}, {"max_leavers", "max-leavers", &j.Lifecycle.MaxLeavers},
		{"max_leavers_percent", "max-leavers-percent", &j.Lifecycle.MaxLeaversPercent},
	}
	for _, n := range numbers {
		if req.given(n.flag) {
			continue
		}
		var err error
		switch v := n.into.(type) {
		case *int:
			err = number(o, n.key, v)
		case *float64:
			err = number(o, n.key, v)
		}
		errs = append(errs, err)
	}
	if v := o.Text("rate"); v != "" && !req.given("rate") {
		r, err := ParseRate(v)
		if err != nil {
			err = fmt.Errorf("%s: rate %v", o.where("rate"), err)
		}
		j.Rate = r
		errs = append(errs, err)
	}
	errs = append(errs, j.Limits.fromConfig(o, req.given)...)
	if v := o.Text("leavers"); v != "" && !req.given("leavers") {
		j.Lifecycle.Leavers = v
	}
	for key, into := range map[string]*string{
		"organization_secret_env": &j.secrets.organizationSecret, "token_env": &j.secrets.token,
		"partner_id_env": &j.secrets.partnerID, "partner_secret_env": &j.secrets.partnerSecret, "user_id_env": &j.secrets.userID,
	} {
		if v := o.Text(key); v != "" {
			*into = v
		}
	}
	return j, errors.Join(errs...)
}

// defaultLedger is the embedded SQLite ledger used when none is set, or ""
// when neither XDG_STATE_HOME nor HOME says where it goes.
func (a *App) defaultLedger() string {
	url, err := ledger.DefaultURL(func(k string) string { return a.Getenv(k) })
	if err != nil {
		return ""
	}
	return url
}

func SelectOrgs(orgs []Org, names []string) ([]Org, error) {
	if len(names) == 0 {
		return orgs, nil
	}
	byName := map[string]Org{}
	for _, o := range orgs {
		byName[o.name()] = o
	}
	var out []Org
	for _, n := range names {
		o, ok := byName[n]
		if !ok {
			valid := make([]string, 0, len(orgs))
			for _, o := range orgs {
				valid = append(valid, o.name())
			}
			return nil, Usagef("--org %q is not in the config file; its organisations are: %s", n, strings.Join(valid, ", "))
		}
		out = append(out, o)
	}
	return out, nil
}

// checkJob finds what would stop the job, before anything runs. Messages
// name the flag, variable or config line to fix.
func (a *App) checkJob(mode psync.Mode, j Job) []error {
	var errs []error
	bad := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if j.Name != "" {
			msg = j.Name + ": " + msg
		}
		errs = append(errs, errors.New(msg))
	}
	if j.OrgID == "" {
		bad("%s is required", j.where("organization_id"))
	}
	if j.LedgerURL == "" {
		bad("%s is required (the default, under XDG_STATE_HOME or HOME, is unavailable)", j.where("ledger"))
	}
	if err := j.Source.check(); err != nil {
		if j.Name != "" && j.Source.chosenAPI() == nil {
			bad("set csv, or source_db and source_query, or a keypay: block (%s)", j.where("csv"))
		} else {
			bad("%v", err)
		}
	}
	errs = append(errs, prefixed(j.Name, j.Lifecycle.check())...)
	errs = append(errs, prefixed(j.Name, j.Settings.check(j.where))...)
	sends := mode == psync.ModeApply || j.Refresh
	if sends {
		switch err := parchment.CheckBaseURL(j.APIURL); {
		case j.APIURL == "":
			bad("%s is required", j.where("api_url"))
		case err != nil:
			bad("%s %v", j.where("api_url"), err)
		}
		if !(j.Rate > 0 || j.Rate == parchment.RateAuto) {
			bad("--rate must be above 0, or auto")
		}
		if j.Burst < 1 {
			bad("--burst must be at least 1")
		}
		if j.Concurrency < 1 {
			bad("--concurrency must be at least 1")
		}
		for _, msg := range j.Limits.check(j.where) {
			bad("%s", msg)
		}
		errs = append(errs, prefixed(j.Name, a.checkSecrets(j))...)
	}
	return errs
}

// checkSecrets says which variable to set, never a Go field.
func (a *App) checkSecrets(j Job) []error {
	s := j.secrets
	var errs []error
	if a.Getenv(s.organizationSecret) == "" {
		errs = append(errs, fmt.Errorf("%s is required: the organisation's secret, sent as x-organization-secret", s.organizationSecret))
	}
	if a.Getenv(s.token) != "" {
		return errs
	}
	var missing []string
	for _, v := range []string{s.partnerID, s.partnerSecret, s.userID} {
		if a.Getenv(v) == "" {
			missing = append(missing, v)
		}
	}
	switch len(missing) {
	case 0:
	case 3:
		errs = append(errs, fmt.Errorf("%s, or %s, %s and %s, are required", s.token, s.partnerID, s.partnerSecret, s.userID))
	default:
		errs = append(errs, fmt.Errorf("partner credentials are incomplete: set %v too (or %s instead)", missing, s.token))
	}
	return errs
}

func prefixed(name string, errs []error) []error {
	if name == "" {
		return errs
	}
	out := make([]error, 0, len(errs))
	for _, err := range errs {
		out = append(out, fmt.Errorf("%s: %w", name, err))
	}
	return out
}

// Label names the job's organisation: the config file's name, or the
// organisation id for a run configured by flags.
func (j Job) Label() string { return firstSet(j.Name, j.OrgID) }
