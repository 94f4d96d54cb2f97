package cli

import (
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// callLimits bound how long Parchment can hold an organisation's run: a
// server asking to wait longer than --max-retry-after is taken to be
// unreachable, rather than holding the organisation's lock for days.
type callLimits struct {
	maxRetryAfter time.Duration
}

// limitKeys pairs each limit's config key with its flag.
func (l *callLimits) limitKeys() []struct {
	key, flag string
	into      *time.Duration
} {
	return []struct {
		key, flag string
		into      *time.Duration
	}{
		{"max_retry_after", "max-retry-after", &l.maxRetryAfter},
	}
}

func (l *callLimits) register(fs *pflag.FlagSet) {
	fs.DurationVar(&l.maxRetryAfter, "max-retry-after", parchment.DefaultMaxRetryAfter, "longest Retry-After honoured; an answer asking for more ends the run as unreachable (exit 3)")
}

// fromConfig reads the limits an organisation's entry sets, unless their
// flag was given.
func (l *callLimits) fromConfig(o orgConfig, set *pflag.FlagSet) []error {
	var errs []error
	for _, k := range l.limitKeys() {
		if set.Changed(k.flag) {
			continue
		}
		if err := duration(o, k.key, k.into); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// check says which limit is unusable, naming where it was set.
func (l *callLimits) check(where func(key string) string) []string {
	var msgs []string
	for _, k := range l.limitKeys() {
		if *k.into <= 0 {
			msgs = append(msgs, fmt.Sprintf("%s must be above 0, such as %v", where(k.key), parchment.DefaultMaxRetryAfter))
		}
	}
	return msgs
}

func (l *callLimits) apply(cfg *parchment.Config) {
	cfg.MaxRetryAfter = l.maxRetryAfter
}
