package cli

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/ledger"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// hostile is a run against a server the test writes, with a SQLite ledger
// of its own, so it needs no PostgreSQL.
type hostile struct {
	*fixture
	api   string
	token string
	// secret is the organisation secret the run holds.
	secret string
}

func setupHostile(t *testing.T, h http.Handler) *hostile {
	t.Helper()
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	dir := t.TempDir()
	return &hostile{
		fixture: &fixture{t: t, dir: dir, ledger: "sqlite:" + filepath.Join(dir, "ledger.db"), org: "org-hostile"},
		api:     ts.URL + "/external", token: "tok-CANARY-e2e-5b1", secret: "orgsec-CANARY-e2e-77",
	}
}

func (h *hostile) vars() map[string]string {
	return map[string]string{
		fleet.EnvToken: h.token, fleet.EnvOrganizationSecret: h.secret, fleet.EnvAPIURL: h.api,
		fleet.EnvOrganizationID: h.org, fleet.EnvLedgerURL: h.ledger,
	}
}

func (h *hostile) apply(people int, args ...string) result {
	h.t.Helper()
	csv := h.roster("roster.csv", rostertest.Staff(people))
	return h.runWith(h.vars(), append([]string{"apply", "--csv", csv, "--rate", "500"}, args...)...)
}

// attempts reads the ledger's attempts of the organisation's latest run.
func (h *hostile) attempts() (int64, []psync.Attempt) {
	h.t.Helper()
	ctx := context.Background()
	store, err := ledger.Open(ctx, h.ledger, nil)
	require.NoError(h.t, err)
	defer store.Close()
	runs, err := store.Runs(ctx, ledger.RunFilter{OrganizationID: h.org, Limit: 1})
	require.NoError(h.t, err)
	require.Len(h.t, runs, 1)
	attempts, err := store.Attempts(ctx, runs[0].ID)
	require.NoError(h.t, err)
	return runs[0].ID, attempts
}
