package parchment

import (
	"context"
	"log/slog"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// pacer spaces every request of one organisation. Parchment limits per
// organisation, so all goroutines of a Client share it: a 429 seen by one
// pauses them all for its Retry-After, and control turns every answer
// into the rate they share.
//
// Only one caller at a time waits for the next slot (it holds head); the
// others queue behind it. Waiters that each reserved a slot ahead would
// keep the slots of the rate they reserved at: at 2 requests/s eight of
// them book four seconds ahead, and a rate that has since risen waits
// until they are spent.
type pacer struct {
	head chan struct{}

	mu      sync.Mutex
	limiter *rate.Limiter
	ctl     *control
	log     *slog.Logger // the decision trace, at debug
	// wake is closed, and replaced, when the rate changes, so that the head
	// reconsiders its slot.
	wake chan struct{}
}

// newPacer paces at most ceiling requests/s (or learns the rate, for
// RateAuto), with up to burst at once, and traces its decisions to log.
func newPacer(ceiling float64, burst int, log *slog.Logger) *pacer {
	ctl := newControl(ceiling)
	return &pacer{
		head:    make(chan struct{}, 1),
		limiter: rate.NewLimiter(limitOf(ctl.rate), burst),
		ctl:     ctl,
		log:     log,
		wake:    make(chan struct{}),
	}
}

// wait blocks until the organisation may send again and the rate has a
// slot, and returns the turn to report the answer with.
//
// The head holds a reservation for its slot, not a check at the slot's
// time: a timer wakes late, and with a burst of 1 a token that waits
// for a late caller is lost, while a reservation counts from when it was
// made. When the rate changes the reservation is given back and made again
// at the new rate; during a pause there is none.
func (p *pacer) wait(ctx context.Context) (turn, error) {
	select {
	case p.head <- struct{}{}:
	case <-ctx.Done():
		return turn{}, ctx.Err()
	}
	defer func() { <-p.head }()
	began := time.Now()
	var slot *rate.Reservation
	giveBack := func() {
		if slot != nil {
			slot.CancelAt(time.Now())
			slot = nil
		}
	}
	for {
		p.mu.Lock()
		now := time.Now()
		d := p.ctl.pausedUntil.Sub(now)
		if d > 0 {
			giveBack()
		} else {
			if slot == nil {
				slot = p.limiter.ReserveN(now, 1)
			}
			if d = slot.DelayFrom(now); d <= 0 {
				t := p.ctl.sent(now, now.Sub(began))
				p.apply(now)
				p.mu.Unlock()
				return t, nil
			}
		}
		wake := p.wake
		p.mu.Unlock()
		timer := time.NewTimer(d)
		select {
		case <-ctx.Done():
			timer.Stop()
			p.mu.Lock()
			giveBack()
			p.mu.Unlock()
			return turn{}, ctx.Err()
		case <-wake:
			timer.Stop()
			p.mu.Lock()
			giveBack()
			p.mu.Unlock()
		case <-timer.C:
		}
	}
}

// admitted reports an answer that got past the server's limiter.
func (p *pacer) admitted() {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	changes := p.ctl.changes
	p.ctl.admitted(now, len(p.head) > 0)
	p.apply(now)
	if c := p.ctl; c.changes != changes {
		p.log.Debug("parchment pacer: the limit changed", "band_lo", round2(c.lo), "band_hi", round2(c.hi), "rate", round2(c.rate))
	}
}

// limited reports a 429 asking to wait retryAfter: nobody sends for a
// while, and the rate adapts. It says whether the organisation's pause is
// shorter than retryAfter, in which case the refused call must wait out
// its Retry-After itself.
func (p *pacer) limited(t turn, retryAfter time.Duration) (shortened bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	news := t.episode == p.ctl.episode
	until := p.ctl.limited(now, t, retryAfter)
	p.apply(now)
	c := p.ctl
	p.log.Debug("parchment pacer 429", "retry_after", retryAfter, "paused_for", until.Sub(now).Round(time.Millisecond),
		"band_lo", round2(c.lo), "band_hi", round2(c.hi), "rate", round2(c.rate), "margin", round2(c.margin),
		"news", news, "probing", c.probing, "changes", c.changes)
	return until.Sub(now) < retryAfter
}

// round2 keeps a trace's rates readable.
func round2(v float64) float64 { return math.Round(v*100) / 100 }

// apply gives the limiter control's rate; p.mu must be held.
func (p *pacer) apply(now time.Time) {
	if r := limitOf(p.ctl.rate); r != p.limiter.Limit() {
		p.limiter.SetLimitAt(now, r)
		close(p.wake)
		p.wake = make(chan struct{})
	}
}

// limitOf is r as a limiter's Limit: rate.Inf stands for no limit, and
// +Inf would give the limiter NaN tokens.
func limitOf(r float64) rate.Limit {
	if r >= float64(rate.Inf) {
		return rate.Inf
	}
	return rate.Limit(r)
}
