package ledger

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestParseURL(t *testing.T) {
	t.Parallel()
	wd, err := os.Getwd()
	require.NoError(t, err)
	for raw, want := range map[string]string{
		"postgres://u:p@host/db":         "",
		"postgresql://u:p@host/db?x=y":   "",
		"PostgreSQL://host/db":           "",
		"sqlite:ledger.db":               filepath.Join(wd, "ledger.db"),
		"sqlite:./state/ledger.db":       filepath.Join(wd, "state", "ledger.db"),
		"sqlite:../ledger.db":            filepath.Join(filepath.Dir(wd), "ledger.db"),
		"sqlite:/var/lib/ps/ledger.db":   "/var/lib/ps/ledger.db",
		"sqlite:///var/lib/ps/ledger.db": "/var/lib/ps/ledger.db",
		"sqlite:///var/lib/a%20b.db":     "/var/lib/a b.db",
	} {
		got, err := parseURL(raw)
		require.NoError(t, err, raw)
		require.Equal(t, want, got.sqlitePath, raw)
	}
}

func TestParseURLRefuses(t *testing.T) {
	t.Parallel()
	for _, raw := range []string{
		"", "ledger.db", "/var/lib/ledger.db", "mysql://u:" + secret + "@host/db", "postgres:" + secret,
		"host=localhost password=" + secret, "sqlite:", "sqlite://ledger.db", "sqlite://host/ledger.db",
		"sqlite:ledger.db?mode=ro", "sqlite:///ledger.db?x=1", "sqlite:~/ledger.db", "sqlite:state/",
	} {
		_, err := parseURL(raw)
		require.Error(t, err, raw)
		require.NotContains(t, err.Error(), secret)
	}
	_, err := Open(t.Context(), "mysql://u:"+secret+"@host/db", nil)
	require.ErrorContains(t, err, "postgres://")
	require.ErrorContains(t, err, "sqlite:PATH")
	require.NotErrorIs(t, err, ErrUnreachable)
}

func TestDefaultURL(t *testing.T) {
	t.Parallel()
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	got, err := DefaultURL(env(map[string]string{"XDG_STATE_HOME": "/state", "HOME": "/home/ada"}))
	require.NoError(t, err)
	require.Equal(t, "sqlite:/state/parchment-sync/ledger.db", got)

	got, err = DefaultURL(env(map[string]string{"HOME": "/home/ada"}))
	require.NoError(t, err)
	require.Equal(t, "sqlite:/home/ada/.local/state/parchment-sync/ledger.db", got)

	// The XDG spec: a relative XDG_STATE_HOME is ignored.
	got, err = DefaultURL(env(map[string]string{"XDG_STATE_HOME": "state", "HOME": "/home/ada"}))
	require.NoError(t, err)
	require.Equal(t, "sqlite:/home/ada/.local/state/parchment-sync/ledger.db", got)

	_, err = DefaultURL(env(nil))
	require.Error(t, err)

	target, err := parseURL(got)
	require.NoError(t, err)
	require.Equal(t, "/home/ada/.local/state/parchment-sync/ledger.db", target.sqlitePath)
}
