package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/parchment-sync/parchment-sync/ledger"
	"github.com/parchment-sync/parchment-sync/parchment"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// job is one organisation's run, however it was configured: by flags and
// the environment, or by one entry of a config file.
type job struct {
	// name is the config file's name for the organisation; empty for flags.
	name        string
	orgID       string
	apiURL      string
	ledgerURL   string
	source      sourceFlags
	rate        float64
	burst       int
	concurrency int
	limits      callLimits
	lifecycle   lifecycleFlags
	settings    orgSettings
	secrets     secretEnv
	refresh     bool
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
	return secretEnv{envOrganizationSecret, envToken, envPartnerID, envPartnerSecret, envUserID}
}

// fleetFlags run several organisations from one config file.
type fleetFlags struct {
	configFile string
	orgs       []string
	parallel   int
}

func (fl *fleetFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&fl.configFile, "config", "", "YAML file listing organisations (see README); replaces the per-organisation flags")
	fs.StringArrayVar(&fl.orgs, "org", nil, "with --config: run only this organisation (repeatable; default all)")
	fs.IntVar(&fl.parallel, "parallel", 4, "with --config: organisations run at once")
}

func (fl *fleetFlags) check() []error {
	if fl.parallel < 1 {
		return []error{errors.New("--parallel must be at least 1")}
	}
	return nil
}

// jobs builds and checks every organisation's job before anything runs:
// one bad entry stops them all with exit 2.
func (a *app) jobs(mode psync.Mode, f *syncFlags) ([]job, error) {
	var jobs []job
	if f.fleet.configFile == "" {
		jobs = []job{a.flagJob(f)}
	} else {
		orgs, err := loadConfig(f.fleet.configFile, a.getenv)
		if err != nil {
			return nil, err
		}
		if orgs, err = selectOrgs(orgs, f.fleet.orgs); err != nil {
			return nil, err
		}
		for _, o := range orgs {
			j, err := a.configJob(f, o)
			if err != nil {
				return nil, withCode(ExitUsage, err)
			}
			jobs = append(jobs, j)
		}
	}
	for i := range jobs {
		jobs[i].refresh = f.refresh
	}
	if f.planIn != "" {
		if err := usePlan(f.planIn, jobs, f.set, settingsOf(job{lifecycle: f.lifecycle, refresh: f.refresh})); err != nil {
			return nil, withCode(ExitUsage, err)
		}
	}
	var errs []error
	for _, j := range jobs {
		a.registerSecrets(j)
		errs = append(errs, a.checkJob(mode, j)...)
	}
	if len(errs) > 0 {
		return nil, withCode(ExitUsage, errors.Join(errs...))
	}
	return jobs, nil
}

// usePlan gives each job its reviewed plan: the plan's settings, and what
// the apply must match. Flags given that contradict it are refused.
func usePlan(path string, jobs []job, set *pflag.FlagSet, given planSettings) error {
	pf, err := readPlanFile(path)
	if err != nil {
		return err
	}
	for i := range jobs {
		p, err := pf.planFor(jobs[i])
		if err != nil {
			return err
		}
		if bad := p.Settings.contradictions(set, given); len(bad) > 0 {
			return contradictionErr(path, bad)
		}
		if err := jobs[i].settings.samePlanned(p.Settings, jobs[i].where); err != nil {
			return prefixed(jobs[i].name, []error{err})[0]
		}
		jobs[i].lifecycle, jobs[i].refresh = p.Settings.lifecycle(), p.Settings.Refresh
		jobs[i].expect = &psync.Expectation{Fingerprints: p.Fingerprints, Changes: p.Changes}
	}
	return nil
}

// flagJob is the one organisation the flags and environment describe.
func (a *app) flagJob(f *syncFlags) job {
	a.wireHRIS(&f.source, nil)
	return job{
		orgID:       firstSet(f.orgID, a.getenv(envOrganizationID)),
		apiURL:      firstSet(f.apiURL, a.getenv(envAPIURL)),
		ledgerURL:   firstSet(f.ledgerURL, a.getenv(envLedgerURL), a.getenv(envDatabaseURL), a.defaultLedger()),
		source:      f.source,
		rate:        float64(f.rate),
		burst:       f.burst,
		concurrency: f.concurrency,
		limits:      f.limits,
		lifecycle:   f.lifecycle,
		settings:    f.settings,
		secrets:     standardSecretEnv(),
		where: func(key string) string {
			switch key {
			case "organization_id":
				return "--organization-id or " + envOrganizationID
			case "api_url":
				return "--api-url or " + envAPIURL
			case "ledger":
				return fmt.Sprintf("--ledger, %s or %s", envLedgerURL, envDatabaseURL)
			}
			return "--" + strings.ReplaceAll(key, "_", "-")
		},
	}
}

// configJob is one config file entry; flags given on the command line win
// over the file for settings that are not the organisation's identity.
func (a *app) configJob(f *syncFlags, o orgConfig) (job, error) {
	j := job{
		name: o.name(), orgID: o.text("organization_id"),
		apiURL:    firstSet(o.text("api_url"), a.getenv(envAPIURL)),
		ledgerURL: firstSet(o.text("ledger"), a.getenv(envLedgerURL), a.getenv(envDatabaseURL), a.defaultLedger()),
		source: sourceFlags{
			csv: o.text("csv"), mappingFile: o.text("mapping"), db: o.text("source_db"), query: o.text("source_query"),
		},
		rate: float64(f.rate), burst: f.burst, concurrency: f.concurrency, limits: f.limits, lifecycle: f.lifecycle,
		secrets: standardSecretEnv(),
		where: func(key string) string {
			return fmt.Sprintf("%s (%s of organisation %q)", o.where(key), key, o.name())
		},
	}
	j.settings.fromConfig(o)
	var errs []error
	if o.readsHR("deputy") {
		j.source.deputy.url = f.source.deputy.url
	}
	a.wireHRIS(&j.source, &o)
	if k, err := keypayFromConfig(o); err != nil {
		errs = append(errs, err)
	} else {
		j.source.keypay = k
	}
	numbers := []struct {
		key, flag string
		into      any
	}{
		{"burst", "burst", &j.burst}, {"concurrency", "concurrency", &j.concurrency},
		{"absent_runs", "absent-runs", &j.lifecycle.absentRuns}, {"max_leavers", "max-leavers", &j.lifecycle.maxLeavers},
		{"max_leavers_percent", "max-leavers-percent", &j.lifecycle.maxLeaversPercent},
	}
	for _, n := range numbers {
		if f.set.Changed(n.flag) {
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
	if v := o.text("rate"); v != "" && !f.set.Changed("rate") {
		r, err := parseRate(v)
		if err != nil {
			err = fmt.Errorf("%s: rate %v", o.where("rate"), err)
		}
		j.rate = r
		errs = append(errs, err)
	}
	errs = append(errs, j.limits.fromConfig(o, f.set)...)
	if v := o.text("leavers"); v != "" && !f.set.Changed("leavers") {
		j.lifecycle.leavers = v
	}
	for key, into := range map[string]*string{
		"organization_secret_env": &j.secrets.organizationSecret, "token_env": &j.secrets.token,
		"partner_id_env": &j.secrets.partnerID, "partner_secret_env": &j.secrets.partnerSecret, "user_id_env": &j.secrets.userID,
	} {
		if v := o.text(key); v != "" {
			*into = v
		}
	}
	return j, errors.Join(errs...)
}

// defaultLedger is the embedded SQLite ledger used when none is set, or ""
// when neither XDG_STATE_HOME nor HOME says where it goes.
func (a *app) defaultLedger() string {
	url, err := ledger.DefaultURL(func(k string) string { return a.getenv(k) })
	if err != nil {
		return ""
	}
	return url
}

func selectOrgs(orgs []orgConfig, names []string) ([]orgConfig, error) {
	if len(names) == 0 {
		return orgs, nil
	}
	byName := map[string]orgConfig{}
	for _, o := range orgs {
		byName[o.name()] = o
	}
	var out []orgConfig
	for _, n := range names {
		o, ok := byName[n]
		if !ok {
			valid := make([]string, 0, len(orgs))
			for _, o := range orgs {
				valid = append(valid, o.name())
			}
			return nil, usageErr("--org %q is not in the config file; its organisations are: %s", n, strings.Join(valid, ", "))
		}
		out = append(out, o)
	}
	return out, nil
}

// checkJob finds what would stop the job, before anything runs. Messages
// name the flag, variable or config line to fix.
func (a *app) checkJob(mode psync.Mode, j job) []error {
	var errs []error
	bad := func(format string, args ...any) {
		msg := fmt.Sprintf(format, args...)
		if j.name != "" {
			msg = j.name + ": " + msg
		}
		errs = append(errs, errors.New(msg))
	}
	if j.orgID == "" {
		bad("%s is required", j.where("organization_id"))
	}
	if j.ledgerURL == "" {
		bad("%s is required (the default, under XDG_STATE_HOME or HOME, is unavailable)", j.where("ledger"))
	}
	if err := j.source.check(); err != nil {
		if j.name != "" && j.source.chosenAPI() == nil {
			bad("set csv, or source_db and source_query, or a keypay: block (%s)", j.where("csv"))
		} else {
			bad("%v", err)
		}
	}
	errs = append(errs, prefixed(j.name, j.lifecycle.check())...)
	errs = append(errs, prefixed(j.name, j.settings.check(j.where))...)
	sends := mode == psync.ModeApply || j.refresh
	if sends {
		switch err := parchment.CheckBaseURL(j.apiURL); {
		case j.apiURL == "":
			bad("%s is required", j.where("api_url"))
		case err != nil:
			bad("%s %v", j.where("api_url"), err)
		}
		if !(j.rate > 0 || j.rate == parchment.RateAuto) {
			bad("--rate must be above 0, or auto")
		}
		if j.burst < 1 {
			bad("--burst must be at least 1")
		}
		if j.concurrency < 1 {
			bad("--concurrency must be at least 1")
		}
		for _, msg := range j.limits.check(j.where) {
			bad("%s", msg)
		}
		errs = append(errs, prefixed(j.name, a.checkSecrets(j))...)
	}
	return errs
}

// checkSecrets says which variable to set, never a Go field.
func (a *app) checkSecrets(j job) []error {
	s := j.secrets
	var errs []error
	if a.getenv(s.organizationSecret) == "" {
		errs = append(errs, fmt.Errorf("%s is required: the organisation's secret, sent as x-organization-secret", s.organizationSecret))
	}
	if a.getenv(s.token) != "" {
		return errs
	}
	var missing []string
	for _, v := range []string{s.partnerID, s.partnerSecret, s.userID} {
		if a.getenv(v) == "" {
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
