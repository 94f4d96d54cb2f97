package fleet

import (
	"fmt"
	"time"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// Limits bound how long Parchment can hold an organisation's run: a
// request whose answer is not whole within --call-timeout got no answer
// (three such calls in a row end the run as unreachable), and a server
// asking to wait longer than --max-retry-after is taken to be unreachable,
// rather than holding the organisation's lock for days.
type Limits struct {
	CallTimeout, MaxRetryAfter time.Duration
}

type limitKey struct {
	key, flag string
	into      *time.Duration
	def       time.Duration
}

// keys pairs each limit's config key with its flag and default.
func (l *Limits) keys() []limitKey {
	return []limitKey{
		{"call_timeout", "call-timeout", &l.CallTimeout, parchment.DefaultCallTimeout},
		{"max_retry_after", "max-retry-after", &l.MaxRetryAfter, parchment.DefaultMaxRetryAfter},
	}
}

// fromConfig reads the limits an organisation's entry sets, unless their
// flag was given.
func (l *Limits) fromConfig(o Org, given func(flag string) bool) []error {
	var errs []error
	for _, k := range l.keys() {
		if given(k.flag) {
			continue
		}
		if err := duration(o, k.key, k.into); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// check says which limit is unusable, naming where it was set.
func (l *Limits) check(where func(key string) string) []string {
	var msgs []string
	for _, k := range l.keys() {
		if *k.into <= 0 {
			msgs = append(msgs, fmt.Sprintf("%s must be above 0, such as %v", where(k.key), k.def))
		}
	}
	return msgs
}

func (l *Limits) apply(cfg *parchment.Config) {
	cfg.CallTimeout, cfg.MaxRetryAfter = l.CallTimeout, l.MaxRetryAfter
}
