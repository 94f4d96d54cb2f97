package sync_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	gosync "sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/parchment"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// scriptedAPI answers each call with what the test scripted and counts
// the calls.
type scriptedAPI struct {
	create func(n int, req parchment.CreateUserRequest) (*parchment.CreateResult, error)
	list   func() (*parchment.UserList, error)
	// get answers reads; nil refuses them.
	get func(userID string) (*parchment.User, error)

	mu      gosync.Mutex
	creates int
	lists   int
}

func (a *scriptedAPI) CreateUser(_ context.Context, req parchment.CreateUserRequest) (*parchment.CreateResult, error) {
	a.mu.Lock()
	a.creates++
	n := a.creates
	a.mu.Unlock()
	return a.create(n, req)
}

func (a *scriptedAPI) UpdateUser(context.Context, string, parchment.UpdateUserRequest) (*parchment.UpdateResult, error) {
	return nil, errors.New("no update expected")
}

func (a *scriptedAPI) UpdateRoles(context.Context, string, []string) (*parchment.RolesResult, error) {
	return nil, errors.New("no roles call expected")
}

func (a *scriptedAPI) DisableUser(context.Context, string) (*parchment.Result, error) {
	return nil, errors.New("no disable expected")
}

func (a *scriptedAPI) EnableUser(context.Context, string) (*parchment.Result, error) {
	return nil, errors.New("no enable expected")
}

func (a *scriptedAPI) GetUser(_ context.Context, userID string) (*parchment.User, error) {
	if a.get == nil {
		return nil, errors.New("no read expected")
	}
	return a.get(userID)
}

func (a *scriptedAPI) ListUsers(context.Context) (*parchment.UserList, error) {
	a.mu.Lock()
	a.lists++
	a.mu.Unlock()
	return a.list()
}

func (a *scriptedAPI) calls() (creates, lists int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.creates, a.lists
}

func adminRows(t *testing.T, n int) []mapping.Row {
	t.Helper()
	people := rostertest.Staff(n)
	for i := range people {
		people[i].Roles = "admin"
	}
	return rowsOf(t, people)
}

func created(req parchment.CreateUserRequest) *parchment.CreateResult {
	return &parchment.CreateResult{
		Result: parchment.Result{Status: 201, RequestID: "req_" + req.PartnerUserID},
		UserID: "usr_" + req.PartnerUserID, Code: parchment.CodeUserCreated,
	}
}

func TestNoCallStartsAfterTheStop(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// first answers the first create; stop is closed once it is in flight.
		first func(stop func(), req parchment.CreateUserRequest) (*parchment.CreateResult, error)
		want  error
	}{
		{
			name: "interrupted",
			first: func(stop func(), req parchment.CreateUserRequest) (*parchment.CreateResult, error) {
				stop()
				return created(req), nil
			},
			want: psync.ErrInterrupted,
		},
		{
			name: "credentials rejected",
			first: func(_ func(), _ parchment.CreateUserRequest) (*parchment.CreateResult, error) {
				return nil, &parchment.Error{Op: "create user", Status: 401, RequestID: "req_401"}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, parchmenttest.Config{})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			api := &scriptedAPI{create: func(n int, req parchment.CreateUserRequest) (*parchment.CreateResult, error) {
				if n == 1 {
					return tc.first(cancel, req)
				}
				return created(req), nil
			}}
			cfg := f.config(api)
			// One worker: the second row waits for it while the first call
			// is in flight, and is handed over only after the stop.
			cfg.Concurrency = 1

			r, err := psync.Apply(ctx, cfg, adminRows(t, 3))
			if tc.want != nil {
				require.ErrorIs(t, err, tc.want)
			} else {
				var abort *psync.AbortError
				require.ErrorAs(t, err, &abort)
			}
			creates, _ := api.calls()
			require.Equal(t, 1, creates, "no call may start after the stop")
			entries, err := f.store.Entries(context.Background(), f.org)
			require.NoError(t, err)
			for id, e := range entries {
				require.Equal(t, psync.StateSynced, e.State, "no intent is left for %s", id)
			}
			require.LessOrEqual(t, r.Counts.Create+r.Counts.Failed, 1)
		})
	}
}

func TestCreateAnsweredWithoutAnIDIsFoundByListing(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	rows := adminRows(t, 1)
	rec := rows[0].Record
	api := &scriptedAPI{
		create: func(int, parchment.CreateUserRequest) (*parchment.CreateResult, error) {
			// What the client returns for a 201 whose body names no user.
			return nil, &parchment.Error{
				Op: "create user", Status: 201, RequestID: "req_201",
				Attempts: []parchment.Attempt{{Status: 201, RequestID: "req_201"}},
				Err:      errors.New("unreadable success: no user id in the answer"),
			}
		},
		list: func() (*parchment.UserList, error) {
			return &parchment.UserList{Users: []parchment.ListedUser{
				{UserID: "usr_found", Email: rec.Email, ExternalUserID: rec.ExternalUserID},
			}}, nil
		},
		get: func(userID string) (*parchment.User, error) {
			// The found user is read back before it is mapped.
			return &parchment.User{UserID: userID, Email: rec.Email, ExternalUserID: rec.ExternalUserID,
				FullName: rec.GivenName + " " + rec.FamilyName, AccessRoles: rec.AccessRoles}, nil
		},
	}

	r, err := psync.Apply(context.Background(), f.config(api), rows)
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Create: 1}, r.Counts, "%+v", r.Failures)
	entries, err := f.store.Entries(context.Background(), f.org)
	require.NoError(t, err)
	require.Equal(t, psync.StateSynced, entries[rec.ExternalUserID].State)
	require.Equal(t, "usr_found", entries[rec.ExternalUserID].ParchmentUserID)
	creates, _ := api.calls()
	require.Equal(t, 1, creates)
}

func TestRefusedCreateWhoseLookupFailsLeavesNoIntent(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	rows := adminRows(t, 1)
	id := rows[0].Record.ExternalUserID
	api := &scriptedAPI{
		create: func(int, parchment.CreateUserRequest) (*parchment.CreateResult, error) {
			return nil, &parchment.Error{
				Op: "create user", Status: 409, Code: parchment.CodeUserAlreadyExists, RequestID: "req_409",
				Attempts: []parchment.Attempt{{Status: 409, RequestID: "req_409"}},
			}
		},
		list: func() (*parchment.UserList, error) {
			return nil, &parchment.Error{
				Op: "list users", Status: 404, RequestID: "req_list",
				Attempts: []parchment.Attempt{{Status: 404, RequestID: "req_list"}},
			}
		},
	}

	r, err := psync.Apply(context.Background(), f.config(api), rows)
	require.NoError(t, err)
	require.Equal(t, psync.Counts{Failed: 1}, r.Counts)

	// The 409 came at the first attempt: nothing was created, so a later
	// run must not take someone else's user for a lost create of ours.
	entries, err := f.store.Entries(context.Background(), f.org)
	require.NoError(t, err)
	require.NotContains(t, entries, id)

	// Each exchange is recorded once.
	attempts, err := f.store.Attempts(context.Background(), r.RunID)
	require.NoError(t, err)
	var ops []string
	for _, a := range attempts {
		ops = append(ops, a.Operation+" "+a.RequestID)
	}
	require.ElementsMatch(t, []string{"create req_409", "list req_list"}, ops)
}

func TestInvalidRowSettlesItsPendingCreate(t *testing.T) {
	t.Parallel()
	for _, landed := range []bool{true, false} {
		name := "never landed"
		if landed {
			name = "landed"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, parchmenttest.Config{})
			ctx := context.Background()
			rows := adminRows(t, 2)
			rec := rows[0].Record
			pending := psync.Entry{ExternalUserID: rec.ExternalUserID, State: psync.StatePending, Email: rec.Email, Fields: rec.Fields()}
			require.NoError(t, f.store.Commit(ctx, f.org, psync.Commit{Entry: &pending}))
			var seeded parchmenttest.User
			if landed {
				var err error
				seeded, err = f.server.SeedUser(f.org, parchmenttest.User{ExternalUserID: rec.ExternalUserID, Email: rec.Email, GivenName: rec.GivenName, FamilyName: rec.FamilyName})
				require.NoError(t, err)
			}
			// The row has since become invalid: it may not be sent.
			rows[0].Problems = append(rows[0].Problems, mapping.Problem{
				Line: rows[0].Line, ExternalUserID: rec.ExternalUserID, Field: mapping.FieldPhone,
				Message: "not an Australian phone number", Severity: mapping.SeverityError,
			})

			r := f.apply(rows)
			require.Equal(t, psync.Counts{Create: 1, Invalid: 1}, r.Counts)
			require.Equal(t, 1, f.creates(), "the invalid row is not created")

			entries, err := f.store.Entries(ctx, f.org)
			require.NoError(t, err)
			if landed {
				require.Equal(t, psync.StateSynced, entries[rec.ExternalUserID].State)
				require.Equal(t, seeded.UserID, entries[rec.ExternalUserID].ParchmentUserID)
			} else {
				require.NotContains(t, entries, rec.ExternalUserID)
			}
		})
	}
}

func TestRepeatedExternalIDIsNeverSentTwice(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	rows := rowsOf(t, rostertest.Staff(3))
	// Rows handed over without the source's duplicate check.
	rows = append(rows, rows[1])
	rows[3].Line = 5

	r := f.apply(rows)
	require.Equal(t, psync.Counts{Create: 2, Invalid: 2}, r.Counts)
	require.Len(t, f.server.Snapshot(f.org), 2)
}

func TestStopGraceCutsOffAStuckCall(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	// A Parchment that takes far longer than the grace to answer, and says
	// when the first create has arrived. (It cannot see the client hang up
	// before reading the body, so closing it waits the latency out.)
	slow := parchmenttest.New(parchmenttest.Config{Token: testToken, Latency: 3 * time.Second})
	arrived := make(chan struct{})
	var once gosync.Once
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			once.Do(func() { close(arrived) })
		}
		slow.ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	client := f.client(func(c *parchment.Config) { c.BaseURL = ts.URL + parchmenttest.PathPrefix })
	cfg := f.config(client)
	cfg.Concurrency, cfg.StopGrace = 1, 50*time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()

	start := time.Now()
	r, err := psync.Apply(ctx, cfg, adminRows(t, 2))
	require.ErrorIs(t, err, psync.ErrInterrupted)
	require.Less(t, time.Since(start), 2*time.Second, "the call was cut off, not waited out")
	require.Equal(t, 1, r.Counts.Failed)

	// The cut-off create may have reached Parchment: it stays pending for
	// the next run to resolve, and the run's end was recorded.
	entries, err := f.store.Entries(context.Background(), f.org)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	for _, e := range entries {
		require.Equal(t, psync.StatePending, e.State)
	}
	run, err := f.store.Run(context.Background(), r.RunID)
	require.NoError(t, err)
	require.Equal(t, psync.OutcomeInterrupted, run.Outcome)
}
