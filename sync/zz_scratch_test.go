//go:build unix

package sync_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync/atomic"
	"os"
	"slices"
	"strconv"
	gosync "sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

type timedStore struct {
	psync.Store
	mu sync_Mutex
	commits []time.Duration
}
type sync_Mutex = gosync.Mutex

func (s *timedStore) Commit(ctx context.Context, org string, c psync.Commit) error {
	t := time.Now()
	err := s.Store.Commit(ctx, org, c)
	d := time.Since(t)
	s.mu.Lock(); s.commits = append(s.commits, d); s.mu.Unlock()
	return err
}

type timedAPI struct {
	psync.API
	mu sync_Mutex
	starts []time.Time
	durs []time.Duration
}

func (a *timedAPI) CreateUser(ctx context.Context, r parchment.CreateUserRequest) (*parchment.CreateResult, error) {
	t := time.Now()
	res, err := a.API.CreateUser(ctx, r)
	d := time.Since(t)
	a.mu.Lock(); a.starts = append(a.starts, t); a.durs = append(a.durs, d); a.mu.Unlock()
	return res, err
}

func pct(ds []time.Duration) string {
	slices.Sort(ds)
	q := func(p float64) time.Duration { return ds[int(p*float64(len(ds)-1))] }
	return fmt.Sprintf("p50 %v p90 %v p99 %v max %v", q(.5), q(.9), q(.99), q(1))
}

func envInt(k string, d int) int { if v, err := strconv.Atoi(os.Getenv(k)); err == nil { return v }; return d }

func TestScratchPaced(t *testing.T) {
	var dials atomic.Int64
	defer func() { t.Logf("dials %d", dials.Load()) }()
	var ru0 syscall.Rusage
	syscall.Getrusage(0, &ru0)
	defer func() { var ru syscall.Rusage; syscall.Getrusage(0, &ru); t.Logf("cpu %v", time.Duration(ru.Utime.Nano()+ru.Stime.Nano()-ru0.Utime.Nano()-ru0.Stime.Nano())) }()
	rows := rowsOf(t, rostertest.Staff(envInt("N", 2000)))
	f := setup(t, parchmenttest.Config{Latency: 50 * time.Millisecond, Rate: 100})
	client := f.client(func(c *parchment.Config) {
		c.Rate, c.Burst = 100, envInt("BURST", 1)
		c.MinBackoff, c.MaxBackoff = 0, 0
		tr := http.DefaultTransport.(*http.Transport).Clone()
		if n := envInt("IDLE", 0); n > 0 {
			tr.MaxIdleConnsPerHost = n
		}
		d := &net.Dialer{}
		tr.DialContext = func(ctx context.Context, n, a string) (net.Conn, error) { dials.Add(1); return d.DialContext(ctx, n, a) }
		c.HTTPClient = &http.Client{Transport: tr}
	})
	api := &timedAPI{API: client}
	st := &timedStore{Store: f.store}
	cfg := f.config(api)
	cfg.Store = st
	cfg.Concurrency = envInt("C", 12)
	start := time.Now()
	r, err := psync.Apply(context.Background(), cfg, rows)
	el := time.Since(start)
	require.NoError(t, err)
	t.Logf("elapsed %v ratio %.4f creates %d 429 %d", el, float64(r.Counts.Create)/el.Seconds()/100, r.Counts.Create, f.server.Counters().RateLimited)
	t.Logf("commits %s", pct(st.commits))
	t.Logf("create calls %s", pct(api.durs))
	slices.SortFunc(api.starts, func(a, b time.Time) int { return a.Compare(b) })
	var gaps []time.Duration
	var big time.Duration
	for i := 1; i < len(api.starts); i++ { g := api.starts[i].Sub(api.starts[i-1]); gaps = append(gaps, g); if g > 12*time.Millisecond { big += g - 10*time.Millisecond } }
	t.Logf("first create at %v, last at %v; gaps %s; excess over 10ms summed %v", api.starts[0].Sub(start), api.starts[len(api.starts)-1].Sub(start), pct(gaps), big)
}
