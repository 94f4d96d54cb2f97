package cli

import (
	"github.com/spf13/pflag"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
)

// The flags of a job's settings write into the job itself; their
// defaults are the application's (fleet.DefaultJob), so a queued job
// starts from the same ones.

func registerSource(fs *pflag.FlagSet, s *fleet.Source) {
	d := fleet.DefaultJob().Source
	fs.StringVar(&s.CSV, "csv", "", "roster CSV file")
	fs.StringVar(&s.Mapping, "mapping", "", "YAML file mapping the roster's columns to Parchment fields (default: canonical headers)")
	fs.StringVar(&s.DB, "source-db", "", "PostgreSQL URL of a staff database to read instead of --csv")
	fs.StringVar(&s.Query, "source-query", "", "SQL query selecting the staff rows (with --source-db)")
	fs.StringVar(&s.KeyPay.Business, "keypay-business", "", "read staff from this Employment Hero Payroll (KeyPay) business id instead of --csv; the API key is read from "+fleet.EnvKeyPayAPIKey)
	fs.StringVar(&s.KeyPay.URL, "keypay-url", d.KeyPay.URL, "Employment Hero Payroll API address (a white-label host is fine)")
	fs.BoolVar(&s.KeyPay.Qualifications, "keypay-qualifications", false, "also read each employee's qualifications, as qualification.<name>.referenceNumber")
	fs.IntVar(&s.KeyPay.Concurrency, "keypay-concurrency", d.KeyPay.Concurrency, "Employment Hero Payroll calls in flight at once")
	fs.StringVar(&s.Deputy.URL, "deputy-url", "", "read staff from this Deputy install, https://INSTALL.GEO.deputy.com, instead of --csv; the permanent token is read from "+fleet.EnvDeputyToken)
}

// registerJob adds the settings plan and apply share: plan takes them
// too, as a config file's organisations set them and plan must diff
// exactly as apply would.
func registerJob(fs *pflag.FlagSet, j *fleet.Job) {
	d := fleet.DefaultJob()
	l := &j.Lifecycle
	fs.StringVar(&l.Leavers, "leavers", d.Lifecycle.Leavers, "what happens to leavers: disable, or report (nothing is disabled)")
	fs.IntVar(&l.AbsentRuns, "absent-runs", d.Lifecycle.AbsentRuns, "consecutive applies a synced person may be missing from the source before being disabled")
	fs.IntVar(&l.MaxLeavers, "max-leavers", d.Lifecycle.MaxLeavers, "hold the run when more people would leave than this many …")
	fs.Float64Var(&l.MaxLeaversPercent, "max-leavers-percent", d.Lifecycle.MaxLeaversPercent, "… and than this percentage of the organisation's active synced people")
	fs.BoolVar(&l.AllowMassLeavers, "allow-mass-leavers", false, "let this run through the mass-leaver guard, after review")
	fs.DurationVar(&j.Limits.CallTimeout, "call-timeout", d.Limits.CallTimeout, "longest one request to Parchment may take, headers and body; one cut off got no answer (three calls in a row without one end the run, exit 3)")
	fs.DurationVar(&j.Limits.MaxRetryAfter, "max-retry-after", d.Limits.MaxRetryAfter, "longest Retry-After honoured; an answer asking for more ends the run as unreachable (exit 3)")
	fs.StringVar(&j.Settings.ClinicPhone, "clinic-phone", "", "the practice's phone number, sent as the phone of every provider whose row has none (config key clinic_phone)")
	fs.StringVar(&j.Settings.Timezone, "timezone", "", "the organisation's time zone, such as Australia/Sydney: a person leaves on the first day after their end date there (config key timezone; default TZ, else the machine's)")
}

// registerPacing adds the flags that pace calls to Parchment.
func registerPacing(fs *pflag.FlagSet, j *fleet.Job) {
	d := fleet.DefaultJob()
	j.Rate = d.Rate
	fs.Var((*rateValue)(&j.Rate), "rate", "most requests per second to the organisation (a ceiling: the client slows below it on 429), or auto to find the limit")
	fs.IntVar(&j.Burst, "burst", d.Burst, "requests that may be sent at once above the rate")
	fs.IntVar(&j.Concurrency, "concurrency", d.Concurrency, "calls in flight at once")
}

// orgSettingFlags are the flags a config file replaces with its keys.
func orgSettingFlags() []string { return []string{"clinic-phone", "timezone"} }
