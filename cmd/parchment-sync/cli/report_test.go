package cli

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// A plan bigger than a report keeps in memory still lists every change,
// in order, in its JSON and text reports; an apply's run history keeps
// the first.
func TestLargePlanListsEveryChange(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	const n = 5000
	people := rostertest.Staff(n)
	people[10].Email = "not-an-email"
	csv := f.roster("roster.csv", people)

	res := f.run("plan", "--csv", csv, "--output", "json")
	require.Equal(t, ExitFailures, res.code, res.stderr)
	var out struct {
		Counts   psync.Counts    `json:"counts"`
		Changes  []psync.Change  `json:"changes"`
		Failures []psync.Failure `json:"failures"`
		RunID    int64           `json:"run_id"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &out))
	require.Equal(t, psync.Counts{Create: n - 1, Invalid: 1}, out.Counts)
	require.Len(t, out.Changes, n)
	for i, c := range out.Changes {
		require.Equal(t, i+2, c.Line, "changes in roster order")
	}
	require.Len(t, out.Failures, 1)

	res = f.run("plan", "--csv", csv)
	require.Equal(t, ExitFailures, res.code, res.stderr)
	require.Equal(t, n-1, strings.Count(res.stdout, "  create "), "one line per create")
	// The text is aligned block by block, so the lines of a block share
	// their widths and every line comes in roster order.
	var ids []string
	for line := range strings.Lines(res.stdout) {
		if fields := strings.Fields(line); len(fields) >= 2 && fields[0] == "create" {
			ids = append(ids, fields[1])
		}
	}
	want := make([]string, 0, n-1)
	for i, p := range people {
		if i != 10 {
			want = append(want, p.ID)
		}
	}
	require.Equal(t, want, ids)

	require.Zero(t, out.RunID, "a plan records no run")

	res = f.run("apply", "--csv", csv, "--output", "json", "--rate", "5000", "--concurrency", "8")
	require.Equal(t, ExitFailures, res.code, res.stderr)
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &out))
	res = f.run("show", fmt.Sprint(out.RunID), "--output", "json")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.NoError(t, json.Unmarshal([]byte(res.stdout), &out))
	require.Len(t, out.Changes, psync.KeptInReport, "run history keeps the first changes")
}
