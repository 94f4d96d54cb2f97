package ledger

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestExposures(t *testing.T) {
	t.Parallel()
	store, path := openSQLiteTest(t)
	store.Close()
	url := "sqlite:" + path

	got, err := Exposures(url)
	require.NoError(t, err)
	require.Empty(t, got, "a new ledger is private")

	require.NoError(t, os.Chmod(path, 0o644))
	require.NoError(t, os.WriteFile(path+"-wal", nil, 0o600))
	require.NoError(t, os.Chmod(path+"-wal", 0o640))
	got, err = Exposures(url)
	require.NoError(t, err)
	require.Len(t, got, 1)
	require.Equal(t, "chmod 600 "+path+" "+path+"-wal", got[0].Fix)
	require.Contains(t, got[0].Problem, path+" is 0644")

	// Through a symbolic link, the file it points to is what counts.
	link := filepath.Join(t.TempDir(), "link.db")
	require.NoError(t, os.Symlink(path, link))
	got, err = Exposures("sqlite:" + link)
	require.NoError(t, err)
	require.Equal(t, "chmod 600 "+path+" "+path+"-wal", got[0].Fix)

	dir := filepath.Dir(path)
	require.NoError(t, os.Chmod(dir, 0o777))
	got, err = Exposures(url)
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, "chmod o-w "+dir, got[1].Fix)
	require.Contains(t, got[1].Problem, "writable by others")

	require.NoError(t, os.Chmod(dir, 0o777|os.ModeSticky))
	got, err = Exposures(url)
	require.NoError(t, err)
	require.Contains(t, got[1].Fix, "move the ledger to a folder of its own", "never chmod a shared folder like /tmp")
	require.NoError(t, os.Chmod(dir, 0o700))
}

func TestExposuresOfOtherLedgers(t *testing.T) {
	t.Parallel()
	got, err := Exposures("postgres://u:pw@localhost/db")
	require.NoError(t, err)
	require.Empty(t, got)
	got, err = Exposures("sqlite:" + filepath.Join(t.TempDir(), "not-yet.db"))
	require.NoError(t, err)
	require.Empty(t, got, "the first run creates it private")
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	require.Equal(t, "/var/lib/ledger.db", shellQuote("/var/lib/ledger.db"))
	require.Equal(t, `'/srv/my clinic/it'\''s.db'`, shellQuote("/srv/my clinic/it's.db"))
}

func TestExposuresNameAHardLinkedLedger(t *testing.T) {
	t.Parallel()
	store, path := openSQLiteTest(t)
	store.Close()
	require.NoError(t, os.Chmod(path, 0o600))
	got, err := Exposures("sqlite:" + path)
	require.NoError(t, err)
	for _, e := range got {
		require.NotContains(t, e.Problem, "hard links")
	}
	require.NoError(t, os.Link(path, path+".other"))
	got, err = Exposures("sqlite:" + path)
	require.NoError(t, err)
	require.NotEmpty(t, got)
	require.Contains(t, got[0].Problem, "2 hard links")
	require.Contains(t, got[0].Fix, "-samefile")
}
