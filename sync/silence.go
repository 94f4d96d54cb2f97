package sync

import (
	"fmt"
	"sync/atomic"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// unreachableAfter is how many calls in a row may get no answer at all
// (every retry included) before Parchment is taken to be unreachable and
// the run aborts, rather than spend the night timing out row by row.
const unreachableAfter = 3

// silence counts the calls in a row that got no answer at all. Any
// answered attempt starts the count again.
type silence struct{ n atomic.Int64 }

func (s *silence) answered() { s.n.Store(0) }

// note counts pe when no attempt of it was answered, and returns the
// error to abort the run with once unreachableAfter calls in a row were
// not; nil otherwise.
func (s *silence) note(pe *parchment.Error) error {
	if pe.Status != 0 || len(pe.Attempts) == 0 || !parchment.IsRetry(pe) {
		return nil
	}
	for _, a := range pe.Attempts {
		if a.Status != 0 {
			return nil
		}
	}
	if n := s.n.Add(1); n == unreachableAfter {
		return fmt.Errorf("Parchment did not answer %d calls in a row, retries included (last: %v): it looks unreachable; check --api-url and the network, then run again", n, pe.Err)
	}
	return nil
}
