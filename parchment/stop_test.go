package parchment_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func TestStopHoldsBackCallsWaitingForTheirTurn(t *testing.T) {
	t.Parallel()
	s, c := standIn(t, parchmenttest.Config{}, nil, func(cfg *parchment.Config) { cfg.Rate, cfg.Burst = 0.5, 1 })
	stop, halt := context.WithCancel(context.Background())
	ctx := parchment.WithStop(context.Background(), stop)

	_, err := c.Validate(ctx) // takes the only token (after the token exchange)
	require.NoError(t, err)
	time.AfterFunc(50*time.Millisecond, halt)
	start := time.Now()
	_, err = c.CreateUser(ctx, parchment.CreateUserRequest{GivenName: "A", FamilyName: "B", Email: "a@b.example"})
	require.ErrorIs(t, err, parchment.ErrNotSent)
	require.Less(t, time.Since(start), time.Second, "it gave up its wait at once")
	pe, ok := parchment.AsError(err)
	require.True(t, ok)
	require.False(t, pe.MayHaveApplied())
	require.Zero(t, s.Counters().Requests["create"], "nothing was sent")
}
