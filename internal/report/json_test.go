package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

func TestStreamedJSONIsWhatTheEncoderWrites(t *testing.T) {
	t.Parallel()
	r := &psync.Report{Mode: psync.ModePlan, OrganizationID: "o", Outcome: "done", Requests: map[string]int{}, Warnings: []string{},
		Changes:  []psync.Change{{ExternalUserID: "E<1>", Line: 2, Action: psync.ActionCreate, Fields: []string{"email"}}, {ExternalUserID: "E2", Action: psync.ActionDisable}},
		Failures: []psync.Failure{},
	}
	for _, v := range []any{r, struct {
		Organizations []Named `json:"organizations"`
		Outcome       string  `json:"outcome"`
	}{[]Named{{"a", r}, {"b", r}}, "done"}} {
		var want, got bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		require.NoError(t, enc.Encode(v))
		reports := []*psync.Report{r}
		if _, ok := v.(*psync.Report); !ok {
			reports = []*psync.Report{r, r}
		}
		require.NoError(t, JSON(&got, v, reports))
		require.Equal(t, want.String(), got.String())
	}
}
