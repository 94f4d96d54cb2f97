package cli

import (
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// callLimits bound how long Parchment can hold an organisation's run: a
// request whose answer is not whole within --call-timeout got no answer
// (three such calls in a row end the run as unreachable), and a server
// asking to wait longer than --max-retry-after is taken to be unreachable,
// rather than holding the organisation's lock for days.
type callLimits struct {
	callTimeout, maxRetryAfter time.Duration
}

type limitKey struct {
	key, flag string
	into      *time.Duration
	def       time.Duration
}

// keys pairs each limit's config key with its flag and default.
func (l *callLimits) keys() []limitKey {
	return []limitKey{
		{"call_timeout", "call-timeout", &l.callTimeout, parchment.DefaultCallTimeout},
		{"max_retry_after", "max-retry-after", &l.maxRetryAfter, parchment.DefaultMaxRetryAfter},
	}
}

func (l *callLimits) register(fs *pflag.FlagSet) {
	fs.DurationVar(&l.callTimeout, "call-timeout", parchment.DefaultCallTimeout, "longest one request to Parchment may take, headers and body; one cut off got no answer (three calls in a row without one end the run, exit 3)")
	fs.DurationVar(&l.maxRetryAfter, "max-retry-after", parchment.DefaultMaxRetryAfter, "longest Retry-After honoured; an answer asking for more ends the run as unreachable (exit 3)")
}

// fromConfig reads the limits an organisation's entry sets, unless their
// flag was given.
func (l *callLimits) fromConfig(o orgConfig, set *pflag.FlagSet) []error {
	var errs []error
	for _, k := range l.keys() {
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
	for _, k := range l.keys() {
		if *k.into <= 0 {
			msgs = append(msgs, fmt.Sprintf("%s must be above 0, such as %v", where(k.key), k.def))
		}
	}
	return msgs
}

func (l *callLimits) apply(cfg *parchment.Config) {
	cfg.CallTimeout, cfg.MaxRetryAfter = l.callTimeout, l.maxRetryAfter
}
