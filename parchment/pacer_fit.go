package parchment

import (
	"math"
	"time"
)

// bucketFit finds which token buckets explain what the server did. Parchment
// publishes no limit, but a limiter that answers 429 is most often a token
// bucket: rate R, burst B, full when nobody has sent for a while. One 429
// cannot tell R from B (a fast drain of a small bucket looks like a slow
// drain of a large one), so the fit keeps every (R, B) still consistent
// with all the answers since it began, and the pacer steers by the range of
// rates left.
//
// The rates are cells of one percent each. For a bucket that starts full,
// the level just before an answer at t is B − E(t), where the excess E
// follows E ← max(0, E − R·gap) between answers and E ← E + 1 after each
// admitted one. So each cell needs only E, and each answer bounds B:
// an admitted request needs B ≥ 1 + E, a refused one B < 1 + E. A cell
// stays feasible while some B fits all of them.
//
// The client sees answers, not the server's decisions: a 429 read a few
// milliseconds before an admission the server decided first would rule
// out the true bucket. So a refusal's bound waits reorderWindow and
// counts the admissions that arrive meanwhile as possibly earlier.
type bucketFit struct {
	cells   []fitCell
	last    time.Time
	started bool
	refused bool
	// pending marks a refusal whose bound waits out reorderWindow;
	// pendingAt is its arrival, pendingLate the admissions seen since.
	pending     bool
	pendingAt   time.Time
	pendingLate float64
}

// fitCell is one range of rates [dn, up]. E is tracked at both ends, each
// used where it is the lenient one, so that the true rate's cell stays
// feasible even though the true rate lies between cell edges.
type fitCell struct {
	rate, up, dn float64
	eUp, eDn     float64 // excess after the last answer at rates up and dn
	bLo, bHi     float64 // the bursts still possible: [bLo, bHi)
	pendingHi    float64 // the pending refusal's bHi, before late answers
}

const (
	// fitStep is the ratio between neighbouring cells: the band is known
	// to within one percent.
	fitStep = 1.01
	// minFitRate and maxFitRate bound the rates considered, in requests/s.
	// Parchment is a partner API; nothing outside this range is plausible,
	// and 1,160 cells cost about 10 µs per answer.
	minFitRate = 0.1
	maxFitRate = 10000
	// fitJitter is how far answers may arrive out of the order the server
	// decided them. Larger values look safer but are not: when requests are
	// closer together than this, a refusal no longer shows that the bucket
	// was empty, and very high rates stay feasible.
	fitJitter = time.Millisecond
	// reorderWindow is how long after a refusal an admitted answer may
	// still have been decided before it. Answers reach a busy client late
	// and out of order; a refusal read before an earlier admission would
	// rule out the true bucket, and a fit with no bucket left reads as a
	// changed limit. Each admitted answer this close after a refusal
	// loosens its bound by one.
	reorderWindow = 25 * time.Millisecond
	// maxBurstSeconds bounds the burst at this many seconds' worth of the
	// rate. Without some bound a single 429 fits any low rate with a huge
	// burst; gateways configure bursts of about a second's worth.
	maxBurstSeconds = 2
)

func newBucketFit(maxRate float64) *bucketFit {
	maxRate = min(max(maxRate, minFitRate), maxFitRate)
	n := int(math.Ceil(math.Log(maxRate/minFitRate)/math.Log(fitStep))) + 1
	f := &bucketFit{cells: make([]fitCell, n)}
	half := math.Sqrt(fitStep)
	for i := range f.cells {
		r := minFitRate * math.Pow(fitStep, float64(i))
		f.cells[i] = fitCell{rate: r, up: r * half, dn: r / half, bLo: 1, bHi: maxBurstSeconds * r * half}
	}
	return f
}

// add records one answer at its arrival: admitted by the server's limiter,
// or refused with a 429.
func (f *bucketFit) add(at time.Time, admitted bool) {
	gap := math.Inf(1) // the bucket starts full
	if f.started {
		gap = max(at.Sub(f.last).Seconds(), 0)
	}
	f.started, f.last = true, at
	f.refused = f.refused || !admitted
	if f.pending && (!admitted || at.Sub(f.pendingAt) > reorderWindow) {
		f.settle()
	}
	if f.pending {
		f.pendingLate++
	}
	tol := fitJitter.Seconds()
	for i := range f.cells {
		c := &f.cells[i]
		if c.bLo >= c.bHi {
			continue // no burst fits; it never will again
		}
		if admitted {
			c.bLo = max(c.bLo, 1+max(0, c.eUp-c.up*(gap+tol)))
		} else {
			c.pendingHi = 1 + max(0, c.eDn-c.dn*max(0, gap-tol))
		}
		c.eUp = max(0, c.eUp-c.up*gap)
		c.eDn = max(0, c.eDn-c.dn*gap)
		if admitted {
			c.eUp++
			c.eDn++
		}
	}
	if !admitted {
		f.pending, f.pendingAt, f.pendingLate = true, at, 0
	}
}

// settle applies the pending refusal's bound, loosened by the admitted
// answers that came within reorderWindow after it.
func (f *bucketFit) settle() {
	for i := range f.cells {
		c := &f.cells[i]
		c.bHi = c.hiBound(f)
	}
	f.pending = false
}

// hiBound is the cell's bHi with the pending refusal counted.
func (c *fitCell) hiBound(f *bucketFit) float64 {
	if !f.pending {
		return c.bHi
	}
	return min(c.bHi, c.pendingHi+f.pendingLate)
}

// feasible says whether some burst still fits the cell.
func (c *fitCell) feasible(f *bucketFit) bool { return c.bLo < c.hiBound(f) }

// band returns the lowest and highest rates that explain every answer; hi
// is +Inf until a refusal bounds it. ok is false when no token bucket fits,
// which means the limit changed (or the server is not a token bucket).
func (f *bucketFit) band() (lo, hi float64, ok bool) {
	first, last := -1, -1
	for i := range f.cells {
		if f.cells[i].feasible(f) {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return 0, 0, false
	}
	lo, hi = f.cells[first].dn, f.cells[last].up
	if !f.refused {
		hi = math.Inf(1)
	}
	return lo, hi, true
}

// minBurst is the smallest burst any feasible cell allows: at least this
// many requests fit in the bucket once it has refilled.
func (f *bucketFit) minBurst() float64 {
	b := math.Inf(1)
	for i := range f.cells {
		if c := &f.cells[i]; c.feasible(f) {
			b = min(b, c.bLo)
		}
	}
	return b
}
