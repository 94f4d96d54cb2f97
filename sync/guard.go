package sync

import (
	"errors"
	"fmt"
)

// ErrHeld is wrapped by the error of a run the mass-leaver guard held.
var ErrHeld = errors.New("held by the mass-leaver guard")

// Hold says why the mass-leaver guard held a run: more people would leave
// than both limits allow. A truncated export looks exactly like this, so it
// is held, not obeyed.
type Hold struct {
	// Leaving is Leavers plus Absent plus ProviderRemovals: everyone this
	// run would take access from, whether or not their grace has run out.
	Leaving int `json:"leaving"`
	// Leavers have an end date that has come; Absent are on no row.
	Leavers int `json:"leavers"`
	Absent  int `json:"absent"`
	// ProviderRemovals are people staying whose roles lose provider:
	// Parchment warns that giving it back may fail downstream, so a
	// mass removal is as suspect as mass leaving.
	ProviderRemovals int `json:"provider_removals"`
	// Active is the organisation's synced people not disabled.
	Active            int     `json:"active"`
	MaxLeavers        int     `json:"max_leavers"`
	MaxLeaversPercent float64 `json:"max_leavers_percent"`
}

// HeldError is the error of a held run; it wraps ErrHeld.
type HeldError struct{ Hold Hold }

func (e *HeldError) Error() string {
	h := e.Hold
	pct := 0.0
	if h.Active > 0 {
		pct = 100 * float64(h.Leaving) / float64(h.Active)
	}
	return fmt.Sprintf("%v: %d people would leave or lose the provider role (%d with an end date, %d absent from the source, %d losing provider), "+
		"more than --max-leavers %d and more than --max-leavers-percent %g of the %d active synced people (%.0f%%); "+
		"nothing was sent. Check that the source is complete, then re-run with --allow-mass-leavers",
		ErrHeld, h.Leaving, h.Leavers, h.Absent, h.ProviderRemovals, h.MaxLeavers, h.MaxLeaversPercent, h.Active, pct)
}

func (e *HeldError) Unwrap() error { return ErrHeld }
