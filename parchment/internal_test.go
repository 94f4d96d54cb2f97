package parchment

import (
	"context"
	"errors"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestBackoffDoublesUpToItsCap(t *testing.T) {
	t.Parallel()
	bound := func(d time.Duration) time.Duration { return d } // the jitter's upper end
	var got []time.Duration
	for n := 1; n <= 8; n++ {
		got = append(got, backoff(n, 500*time.Millisecond, 10*time.Second, bound))
	}
	s := time.Second
	require.Equal(t, []time.Duration{s / 2, s, 2 * s, 4 * s, 8 * s, 10 * s, 10 * s, 10 * s}, got)
	require.Equal(t, 10*time.Second, backoff(1000, time.Second, 10*time.Second, bound), "no overflow")

	for range 100 {
		d := backoff(3, time.Second, time.Minute, fullJitter)
		require.True(t, d >= 0 && d <= 4*time.Second, d)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"3", 3 * time.Second, true},
		{" 0 ", 0, true},
		{"Sat, 01 Mar 2025 10:00:05 GMT", 5 * time.Second, true},
		{"Saturday, 01-Mar-25 10:00:07 GMT", 7 * time.Second, true},
		{"Sat, 01 Mar 2025 09:59:00 GMT", 0, true},
		{"", 0, false},
		{"-1", 0, false},
		{"soon", 0, false},
		{"9223372037", time.Duration(math.MaxInt64), true},            // seconds past what a Duration holds: the longest wait
		{"99999999999999999", time.Duration(math.MaxInt64), true},     // never a wrapped-round one
		{"999999999999999999999", time.Duration(math.MaxInt64), true}, // past an int64
		{"9223372036", 9223372036 * time.Second, true},
		{"1.5", 1500 * time.Millisecond, true},
	}
	for _, tc := range cases {
		got, ok := parseRetryAfter(tc.in, now)
		require.Equal(t, tc.ok, ok, tc.in)
		require.Equal(t, tc.want, got, tc.in)
	}
}

func TestClass(t *testing.T) {
	t.Parallel()
	cases := []struct {
		err  *Error
		want Class
	}{
		{&Error{Err: errors.New("connection reset")}, ClassRetry},
		{&Error{Status: http.StatusRequestTimeout}, ClassRetry},
		{&Error{Status: http.StatusTooManyRequests}, ClassRetry},
		{&Error{Status: http.StatusInternalServerError}, ClassRetry},
		{&Error{Status: http.StatusGatewayTimeout}, ClassRetry},
		{&Error{Status: http.StatusBadRequest}, ClassRecord},
		{&Error{Status: http.StatusNotFound}, ClassRecord},
		{&Error{Status: http.StatusConflict}, ClassRecord},
		{&Error{Status: http.StatusUnprocessableEntity}, ClassRecord},
		{&Error{Status: http.StatusCreated, Err: errors.New("unreadable")}, ClassRecord},
		{&Error{Status: http.StatusUnauthorized}, ClassFatal},
		{&Error{Status: http.StatusForbidden}, ClassFatal},
		{&Error{Status: http.StatusFound}, ClassFatal},
		{&Error{Err: ErrStopped}, ClassFatal},
		{&Error{Err: context.Canceled, canceled: true}, ClassRetry},
	}
	for _, tc := range cases {
		require.Equal(t, tc.want, tc.err.Class(), "%d %v", tc.err.Status, tc.err.Err)
	}
	require.Equal(t, Class(0), ClassOf(nil))
	require.True(t, IsRetry(context.Canceled))
	require.Equal(t, "fatal", ClassFatal.String())
}

func TestRenewalTime(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	require.Equal(t, at.Add(59*time.Minute), renewalTime(at, time.Hour))
	require.Equal(t, at.Add(800*time.Millisecond), renewalTime(at, time.Second))
	require.True(t, renewalTime(at, 0).After(at.Add(24*time.Hour)))
}
