package parchment

import (
	"context"
	"errors"
)

// ErrNotSent is wrapped by a call that gave up before sending because its
// stop context ended (see WithStop).
var ErrNotSent = errors.New("not sent: the run is stopping")

type stopKey struct{}

// WithStop returns ctx carrying stop. Once stop is done, calls made with
// the returned context send nothing more: one waiting for its turn at the
// organisation's rate, or between retries, fails with ErrNotSent. A request
// already on the wire still finishes under ctx, so its answer is not lost.
func WithStop(ctx, stop context.Context) context.Context {
	return context.WithValue(ctx, stopKey{}, stop)
}

// waitContext is ctx, also ended by its stop context: the context for
// waiting, never for a request in flight.
func waitContext(ctx context.Context) (context.Context, context.CancelFunc) {
	stop, ok := ctx.Value(stopKey{}).(context.Context)
	if !ok {
		return ctx, func() {}
	}
	wait, cancel := context.WithCancel(ctx)
	unhook := context.AfterFunc(stop, cancel)
	return wait, func() { unhook(); cancel() }
}

// stopping reports whether ctx's stop context has ended.
func stopping(ctx context.Context) bool {
	stop, ok := ctx.Value(stopKey{}).(context.Context)
	return ok && stop.Err() != nil
}
