package fleet

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/pgtest"
	"github.com/parchment-sync/parchment-sync/queue"
)

func TestVerdictOfSeverities(t *testing.T) {
	t.Parallel()
	for s, want := range map[Severity]queue.Verdict{
		OK: queue.Done, RowsFailed: queue.Done, Locked: queue.Locked,
		Usage: queue.Refused, Held: queue.Refused, Aborted: queue.Failed,
	} {
		require.Equal(t, want, verdictOf(s), "%s", s)
	}
}

// The keepalives reach PostgreSQL, so a lost machine's session, and its
// run lock, end within about a minute.
func TestLedgerKeepalives(t *testing.T) {
	t.Parallel()
	url := pgtest.URL(t)
	a := &App{Getenv: func(string) string { return "" }}
	withKA := a.withKeepalives(url)
	require.Contains(t, withKA, "search_path=", "the URL's own parameters stay")
	conn, err := pgx.Connect(context.Background(), withKA)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var idle string
	require.NoError(t, conn.QueryRow(context.Background(), "SHOW tcp_keepalives_idle").Scan(&idle))
	require.Equal(t, "30", idle)

	own := url + "&options=-c%20statement_timeout%3D5s"
	require.Equal(t, own, a.withKeepalives(own), "options given are kept")
	env := &App{Getenv: func(k string) string { return map[string]string{"PGOPTIONS": "-c x=1"}[k] }}
	require.Equal(t, url, env.withKeepalives(url), "so is PGOPTIONS")
}
