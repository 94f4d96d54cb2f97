package ledger

import (
	"context"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Empty is a ledger with nothing in it that takes no write: what a plan
// reads before the first apply has created the real one, so onboarding
// can be planned without creating anything.
func Empty() Ledger { return empty{} }

type empty struct{}

func (empty) Lock(context.Context, string) (func(context.Context) error, error) {
	return nil, errReadOnly
}
func (empty) StartRun(context.Context, psync.Run) (int64, error)       { return 0, errReadOnly }
func (empty) FinishRun(context.Context, psync.Run) error               { return errReadOnly }
func (empty) Commit(context.Context, string, psync.Commit) error       { return errReadOnly }
func (empty) Run(context.Context, int64) (psync.Run, error)            { return psync.Run{}, ErrNoRun }
func (empty) Runs(context.Context, RunFilter) ([]psync.Run, error)     { return nil, nil }
func (empty) Attempts(context.Context, int64) ([]psync.Attempt, error) { return nil, nil }
func (empty) Entries(context.Context, string) (map[string]psync.Entry, error) {
	return map[string]psync.Entry{}, nil
}
func (empty) ScanEntries(context.Context, string, func(psync.EntrySummary) error) error { return nil }
func (empty) Entry(context.Context, string, string) (psync.Entry, bool, error) {
	return psync.Entry{}, false, nil
}
func (empty) Close() {}
