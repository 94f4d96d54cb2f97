package parchment

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// pacer spaces every request of one organisation. Parchment limits per
// organisation, so a 429 seen by one goroutine must hold back all of them:
// it sets a shared instant before which nobody sends and halves the rate,
// which then recovers step by step with each success.
type pacer struct {
	limiter *rate.Limiter
	base    rate.Limit

	mu        sync.Mutex
	notBefore time.Time
}

// slowest is the fraction of the configured rate a run of 429s can push
// the pacer down to.
const slowest = 1.0 / 16

// recoverySteps is how many successes restore the full rate from zero.
const recoverySteps = 10

func newPacer(r float64, burst int) *pacer {
	return &pacer{limiter: rate.NewLimiter(rate.Limit(r), burst), base: rate.Limit(r)}
}

// wait blocks until the organisation may send again and a limiter token is
// taken. A pause set while waiting for the token is honoured too.
func (p *pacer) wait(ctx context.Context) error {
	for {
		if err := sleep(ctx, time.Until(p.pausedUntil())); err != nil {
			return err
		}
		if err := p.limiter.Wait(ctx); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return err
		}
		if !time.Now().Before(p.pausedUntil()) {
			return nil
		}
	}
}

func (p *pacer) pausedUntil() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.notBefore
}

// pause holds back every request for d and halves the rate.
func (p *pacer) pause(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if until := time.Now().Add(d); until.After(p.notBefore) {
		p.notBefore = until
	}
	p.limiter.SetLimit(max(p.limiter.Limit()/2, p.base*slowest))
}

// succeeded moves a reduced rate one step back towards the configured one.
func (p *pacer) succeeded() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if cur := p.limiter.Limit(); cur < p.base {
		p.limiter.SetLimit(min(cur+p.base/recoverySteps, p.base))
	}
}
