package sync

import (
	"context"
	gosync "sync"
)

// runStop ends a run's dispatch on a fatal error: stopped closes, and
// calls still waiting in the client for a turn to send are halted, so they
// send nothing. The first fatal error is the run's.
type runStop struct {
	stopped chan struct{}
	once    gosync.Once
	// fatal is written once, before stopped closes, and read only after
	// it has: the channel orders the two, so no lock is needed.
	fatal error
	// haltNow ends every wait for a turn to send; it is fixed before any
	// worker starts.
	haltNow context.CancelFunc
}

func newRunStop(haltNow context.CancelFunc) *runStop {
	return &runStop{stopped: make(chan struct{}), haltNow: haltNow}
}

// abort stops the run with err, unless an earlier error stopped it.
func (s *runStop) abort(err error) {
	s.once.Do(func() {
		s.fatal = err
		s.haltNow()
		close(s.stopped)
	})
}

// done reports whether the run must take no new work: a fatal error, or
// ctx (the stop signal) ended.
func (s *runStop) done(ctx context.Context) bool {
	select {
	case <-s.stopped:
		return true
	case <-ctx.Done():
		return true
	default:
		return false
	}
}

// err is the fatal error that stopped the run, or nil.
func (s *runStop) err() error {
	select {
	case <-s.stopped:
		return s.fatal
	default:
		return nil
	}
}
