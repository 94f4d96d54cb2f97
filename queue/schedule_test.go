package queue

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseScheduleInTimezone(t *testing.T) {
	t.Parallel()
	s, err := ParseSchedule("30 2 * * *", "Australia/Sydney")
	require.NoError(t, err)
	sydney, err := time.LoadLocation("Australia/Sydney")
	require.NoError(t, err)
	// 2:30 in Sydney, whatever the worker's own zone.
	from := time.Date(2026, 7, 1, 12, 0, 0, 0, time.UTC)
	next := s.Next(from).In(sydney)
	require.Equal(t, time.Date(2026, 7, 2, 2, 30, 0, 0, sydney), next)

	every, err := ParseSchedule("@every 2s", "")
	require.NoError(t, err)
	require.Equal(t, from.Add(2*time.Second), every.Next(from))

	daily, err := ParseSchedule("@daily", "UTC")
	require.NoError(t, err)
	require.Equal(t, time.Date(2026, 7, 2, 0, 0, 0, 0, time.UTC), daily.Next(from))
}

func TestParseScheduleRefusals(t *testing.T) {
	t.Parallel()
	for expr, want := range map[string]string{
		"":                      "is empty",
		"nightly":               "is not a cron expression",
		"0 2 * *":               "is not a cron expression",
		"CRON_TZ=UTC 0 2 * * *": "timezone key",
	} {
		_, err := ParseSchedule(expr, "")
		require.ErrorContains(t, err, want, expr)
	}
	_, err := ParseSchedule("0 2 * * *", "Mars/Olympus")
	require.ErrorContains(t, err, "not a time zone name")
	_, err = LoadTimezone("Local")
	require.Error(t, err, "the worker's own zone is the default, not a name")
}
