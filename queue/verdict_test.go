package queue

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"
)

func TestPolicyMapsEachVerdict(t *testing.T) {
	t.Parallel()
	p := policy{jobTimeout: time.Minute, lockedSnooze: 7 * time.Second}
	boom := errors.New("boom")
	var snooze *river.JobSnoozeError
	var cancel *river.JobCancelError

	require.NoError(t, p.errorFor(nil, Result{Verdict: Done}))
	// A run that finished is done even if the context ended just after.
	require.NoError(t, p.errorFor(context.Canceled, Result{Verdict: Done}))

	err := p.errorFor(nil, Result{Verdict: Locked, Err: boom})
	require.ErrorAs(t, err, &snooze)
	require.Equal(t, 7*time.Second, snooze.Duration)

	err = p.errorFor(nil, Result{Verdict: Refused, Err: boom})
	require.ErrorAs(t, err, &cancel)
	require.ErrorIs(t, err, boom)

	err = p.errorFor(nil, Result{Verdict: Failed, Err: boom})
	require.ErrorIs(t, err, boom)
	require.False(t, errors.As(err, &snooze) || errors.As(err, &cancel), "retried, then discarded by River")
	require.Error(t, p.errorFor(nil, Result{Verdict: Failed}), "a failure without a reason still fails")

	// Stopping hands the job back, whatever the run's exit.
	for _, v := range []Verdict{Failed, Refused, Locked} {
		err = p.errorFor(context.Canceled, Result{Verdict: v, Err: boom})
		require.ErrorAs(t, err, &snooze, "verdict %d", v)
		require.Zero(t, snooze.Duration)
	}

	// Cut off by the job timeout: carried on when it made headway …
	err = p.errorFor(fmt.Errorf("wrapped: %w", context.DeadlineExceeded), Result{Verdict: Failed, Err: boom, Sent: true})
	require.ErrorAs(t, err, &snooze)
	require.Zero(t, snooze.Duration)
	// … a failure when it sent nothing, so it ends after MaxAttempts.
	err = p.errorFor(context.DeadlineExceeded, Result{Verdict: Failed, Err: boom})
	require.ErrorIs(t, err, boom)
	require.Contains(t, err.Error(), "--job-timeout (1m0s)")
	require.False(t, errors.As(err, &snooze))
}
