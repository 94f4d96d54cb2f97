package parchment

import (
	"container/heap"
	"math"
	"math/rand/v2"
	"time"

	"golang.org/x/time/rate"
)

// sim runs control against a simulated server in simulated time: workers
// that send one request at a time through a pacer like the real one (only
// the head of the queue waits for a slot), answers after a latency, and a
// server limiter that is golang.org/x/time/rate, as in parchmenttest. It
// takes microseconds per request, so tests can check what the controller
// does over minutes of traffic without waiting for them, and without
// asserting anything about the machine's timing.
type sim struct {
	workers int
	latency time.Duration
	jitter  time.Duration // uniform extra latency, drawn per request
	think   time.Duration // a worker's pause between answer and next request
	// lag delays when the client sees each answer after the server
	// decided it, uniformly up to this: a busy machine's scheduling.
	lag     time.Duration
	limits  []simLimit // the server's limit from each instant on
	total   int        // stop after this many admitted requests; 0: at until
	until   time.Duration
	ceiling float64
	burst   int // the client's
	seed    uint64
	log     func(format string, args ...any) // optional: every 429
}

type simLimit struct {
	at    time.Duration
	rate  float64
	burst int
}

type simResult struct {
	sent              int
	admitted, refused []time.Duration // when each answer arrived
	end               time.Duration   // the last admitted answer
	maxRate           float64         // the highest rate the pacer was given
	ctl               *control
}

func (r simResult) ofLimit(limit float64) float64 {
	return float64(len(r.admitted)) / r.end.Seconds() / limit
}

// admittedIn counts admitted answers in [from, to).
func (r simResult) admittedIn(from, to time.Duration) int {
	n := 0
	for _, a := range r.admitted {
		if a >= from && a < to {
			n++
		}
	}
	return n
}

// settled is how long after from the run settled at limit: the first
// instant after which 3 s pass with no 429 and at least 90 % of limit
// admitted in every second of them.
func (r simResult) settled(from, to time.Duration, limit float64) time.Duration {
	const step = 250 * time.Millisecond
	for t := from; t+3*time.Second <= to; t += step {
		ok := r.refusedIn(t, t+3*time.Second) == 0
		for w := t; ok && w+time.Second <= t+3*time.Second; w += step {
			ok = float64(r.admittedIn(w, w+time.Second)) >= 0.9*limit
		}
		if ok {
			return t - from
		}
	}
	return to - from
}

// refusedIn counts 429s in [from, to).
func (r simResult) refusedIn(from, to time.Duration) int {
	n := 0
	for _, a := range r.refused {
		if a >= from && a < to {
			n++
		}
	}
	return n
}

type simEvent struct {
	at     time.Duration
	worker int
	answer bool // else the head's slot comes due, or a worker is ready
	// seen marks an answer already decided, reaching the client late
	// (sim.lag), with the decision and its Retry-After.
	seen     bool
	ok       bool
	retryFor time.Duration
	ready    bool
	gen      int // slot events of an older schedule are stale
	t        turn
	seq      int
}

type simQueue []simEvent

func (q simQueue) Len() int { return len(q) }
func (q simQueue) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}
func (q simQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *simQueue) Push(x any)   { *q = append(*q, x.(simEvent)) }
func (q *simQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

func (s sim) run() simResult {
	epoch := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return epoch.Add(d) }
	rng := rand.New(rand.NewPCG(s.seed, 1))
	server := rate.NewLimiter(rate.Limit(s.limits[0].rate), s.limits[0].burst)
	nextLimit := 1
	ctl := newControl(s.ceiling)
	client := rate.NewLimiter(rate.Limit(ctl.rate), max(s.burst, 1))
	res := simResult{ctl: ctl, maxRate: ctl.rate}

	var q simQueue
	seq := 0
	push := func(e simEvent) {
		seq++
		e.seq = seq
		heap.Push(&q, e)
	}
	var waiting []int // workers queued for the pacer, the head first
	var headSince time.Duration
	gen := 0
	schedule := func(now time.Duration) {
		gen++
		if len(waiting) == 0 {
			return
		}
		due := now
		if tokens := client.TokensAt(at(now)); tokens < 1 {
			due += time.Duration((1 - tokens) / float64(client.Limit()) * float64(time.Second))
		}
		if p := ctl.pausedUntil.Sub(epoch); p > due {
			due = p
		}
		push(simEvent{at: due, gen: gen})
	}
	apply := func(now time.Duration) {
		res.maxRate = max(res.maxRate, ctl.rate)
		if r := rate.Limit(ctl.rate); r != client.Limit() {
			client.SetLimitAt(at(now), r)
			schedule(now) // the head reconsiders, as the real one is woken
		}
	}
	enqueue := func(now time.Duration, w int) {
		waiting = append(waiting, w)
		if len(waiting) == 1 {
			headSince = now
			schedule(now)
		}
	}
	for w := range s.workers {
		enqueue(0, w)
	}
	for q.Len() > 0 {
		e := heap.Pop(&q).(simEvent)
		now := e.at
		for nextLimit < len(s.limits) && s.limits[nextLimit].at <= now {
			l := s.limits[nextLimit]
			server.SetLimitAt(at(l.at), rate.Limit(l.rate))
			server.SetBurstAt(at(l.at), l.burst)
			nextLimit++
		}
		if (s.total > 0 && len(res.admitted) >= s.total) || (s.until > 0 && now >= s.until) {
			break
		}
		if e.ready {
			enqueue(now, e.worker)
			continue
		}
		if !e.answer {
			if e.gen != gen {
				continue
			}
			if at(now).Before(ctl.pausedUntil) || !client.AllowN(at(now), 1) {
				schedule(now)
				continue
			}
			w := waiting[0]
			waiting = waiting[1:]
			t := ctl.sent(at(now), now-headSince)
			res.sent++
			lat := s.latency
			if s.jitter > 0 {
				lat += time.Duration(rng.Int64N(int64(s.jitter)))
			}
			push(simEvent{at: now + lat, worker: w, answer: true, t: t})
			headSince = now
			gen++
			apply(now)
			if len(waiting) > 0 {
				schedule(now)
			}
			continue
		}
		if !e.seen {
			e.seen, e.ok = true, server.AllowN(at(now), 1)
			if e.ok {
				res.admitted = append(res.admitted, now)
				res.end = now
			} else {
				r := server.ReserveN(at(now), 1)
				wait := r.DelayFrom(at(now))
				r.CancelAt(at(now))
				res.refused = append(res.refused, now)
				e.retryFor = time.Duration(max(1, math.Ceil(wait.Seconds()))) * time.Second
			}
			if s.lag > 0 {
				e.at += time.Duration(rng.Int64N(int64(s.lag)))
				push(e)
				continue
			}
		}
		if e.ok {
			ctl.admitted(at(now), len(waiting) > 0)
		} else {
			retryAfter := e.retryFor
			until := ctl.limited(at(now), e.t, retryAfter)
			if s.log != nil {
				s.log("%6.2fs 429: band [%.2f, %.2f] rate %.2f hold %v margin %.2f pause %v", now.Seconds(), ctl.lo, ctl.hi, ctl.rate, ctl.hold, ctl.margin, until.Sub(at(now)))
			}
			if until.Before(at(now + retryAfter)) {
				// The refused call waits out its own Retry-After, as
				// Client.do does when the organisation's pause is shorter.
				apply(now)
				push(simEvent{at: now + retryAfter, worker: e.worker, ready: true})
				continue
			}
		}
		apply(now)
		if s.think > 0 {
			push(simEvent{at: now + s.think, worker: e.worker, ready: true})
			continue
		}
		enqueue(now, e.worker)
	}
	return res
}
