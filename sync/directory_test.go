package sync

import (
	"context"
	"fmt"
	gosync "sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// idsOnly is an API whose listing carries ids only, as some versions'
// does: every email is learnt by reading the user.
type idsOnly struct {
	API
	reads gosync.Map
}

func (*idsOnly) ListUsers(context.Context) (*parchment.UserList, error) {
	l := &parchment.UserList{}
	for i := range 50 {
		l.Users = append(l.Users, parchment.ListedUser{UserID: fmt.Sprintf("u%d", i)})
	}
	return l, nil
}

func (a *idsOnly) GetUser(_ context.Context, id string) (*parchment.User, error) {
	n, _ := a.reads.LoadOrStore(id, new(int))
	*(n.(*int))++
	return &parchment.User{UserID: id, Email: id + "@example.com"}, nil
}

// Concurrent look-ups share one listing and learn its emails once; run
// with -race, they must not race on it.
func TestConcurrentLookupsShareOneListing(t *testing.T) {
	t.Parallel()
	api := &idsOnly{}
	d := &directory{api: api, recordReads: func(string, string, []parchment.Attempt) {}}
	since := time.Now()
	var wg gosync.WaitGroup
	found := make([]string, 8)
	for i := range 8 {
		wg.Go(func() {
			got, err := d.find(context.Background(), fmt.Sprintf("EXT-%d", i), fmt.Sprintf("u%d@example.com", i), since)
			require.NoError(t, err)
			require.True(t, got.found)
			found[i] = got.user.UserID
		})
	}
	wg.Wait()
	for i, id := range found {
		require.Equal(t, fmt.Sprintf("u%d", i), id)
	}
	api.reads.Range(func(_, n any) bool {
		require.Equal(t, 1, *(n.(*int)), "each user is read once")
		return true
	})
}
