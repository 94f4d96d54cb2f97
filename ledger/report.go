package ledger

import (
	"encoding/json"
	"fmt"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// runReport is a run's report as both stores keep it: JSON arrays, never
// null, so a reader of the database meets one shape for "nothing".
type runReport struct {
	changes, failures []byte
}

func encodeReport(run psync.Run) (runReport, error) {
	changes, err := jsonArray(run.Changes)
	if err != nil {
		return runReport{}, fmt.Errorf("changes: %w", err)
	}
	failures, err := jsonArray(run.Failures)
	if err != nil {
		return runReport{}, fmt.Errorf("failures: %w", err)
	}
	return runReport{changes: changes, failures: failures}, nil
}

func jsonArray[T any](items []T) ([]byte, error) {
	if items == nil {
		items = []T{}
	}
	return json.Marshal(items)
}

// decodeReport fills run's report from what a store kept. An empty list
// reads back as nil, so a run that changed nothing reads the same whether
// its writer passed nil or an empty slice.
func decodeReport(run *psync.Run, r runReport) error {
	if err := json.Unmarshal(r.changes, &run.Changes); err != nil {
		return fmt.Errorf("changes: %w", err)
	}
	if err := json.Unmarshal(r.failures, &run.Failures); err != nil {
		return fmt.Errorf("failures: %w", err)
	}
	if len(run.Changes) == 0 {
		run.Changes = nil
	}
	if len(run.Failures) == 0 {
		run.Failures = nil
	}
	return nil
}
