//go:build unix

package membench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parchment-sync/parchment-sync/cmd/parchment-sync/cli"
	"github.com/parchment-sync/parchment-sync/internal/pgtest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

// TestProfiles is opt-in: with BENCH_PROFILE_DIR set (relative to the
// module's root) it runs
// BenchmarkMemory's commands in-process (cli.Run, as main does), since the
// binary has no profiling flag, and writes pprof profiles there with
// profile-summary.md, `go tool pprof -top` of each:
//
//   - the CPU of an idle apply of BENCH_IDLE_ROWS rows, on SQLite and (with
//     PARCHMENT_TEST_DATABASE_URL) on PostgreSQL;
//   - the CPU, the bytes allocated (alloc_space) and the heap in use at its
//     peak (inuse_space, from the heap profile taken when the live heap was
//     highest) of a plan of BENCH_MEMORY_ROWS synced rows.
//
// The ledgers are BenchmarkMemory's, seeded by the binary and cached.
func TestProfiles(t *testing.T) {
	dir := os.Getenv(envProfileDir)
	if dir == "" {
		t.Skip(envProfileDir + " is not set; `make bench-profile` sets it")
	}
	memRows := rowsFrom(t, envMemoryRows, defaultMemoryRows)
	idleRows := rowsFrom(t, envIdleRows, defaultIdleRows)
	h := newHarness(t)
	if !filepath.IsAbs(dir) { // as `make bench-profile` gives it: from the module's root
		dir = filepath.Join(h.root, dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := &profiler{t: t, h: h, dir: dir}
	fmt.Fprintf(&p.summary, "# Profiles\n\n%s, %s/%s, %d CPUs; BENCH_MEMORY_ROWS=%d, BENCH_IDLE_ROWS=%d. "+
		"Commands run in-process through cli.Run; ledgers seeded by the binary. Made by TestProfiles "+
		"(internal/membench/profile_test.go) on %s.\n",
		runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), memRows, idleRows, time.Now().UTC().Format(time.DateOnly))

	small := label(idleRows)
	roster := p.roster(idleRows)
	ledger, err := h.sqliteCopy(roster, idleRows, t.Logf)
	if err != nil {
		t.Fatal(err)
	}
	p.idleApply("idle-apply-"+small+"-sqlite", "Idle apply, "+small+" rows, SQLite", idleRows, roster, ledger)

	if os.Getenv(pgtest.EnvURL) != "" {
		pg, drop, err := h.pgSeed(t.Context(), roster, idleRows, t.Logf)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(drop)
		p.idleApply("idle-apply-"+small+"-postgres", "Idle apply, "+small+" rows, PostgreSQL", idleRows, roster, pg)
	} else {
		t.Log(pgtest.EnvURL + " is not set: no PostgreSQL profile")
		fmt.Fprintf(&p.summary, "\nNo PostgreSQL profile: %s was not set.\n", pgtest.EnvURL)
	}

	big := label(memRows)
	roster = p.roster(memRows)
	if ledger, err = h.sqliteCopy(roster, memRows, t.Logf); err != nil {
		t.Fatal(err)
	}
	p.plan("plan-"+big, "Plan, "+big+" synced rows, SQLite", memRows, roster, ledger, "json",
		func(report string) error {
			return expectReport(report, func(r syncReport) error { return r.only("unchanged", memRows) })
		})
	p.plan("plan-"+big+"-empty", "Plan, "+big+" rows, empty SQLite ledger (every row a create)", memRows, roster,
		"sqlite:"+filepath.Join(t.TempDir(), "ledger.db"), "text",
		func(report string) error {
			return expectLastLine(report, fmt.Sprintf("would: create %d, adopt 0, update 0, enable 0, disable 0, "+
				"unchanged 0, manual 0, orphaned 0, invalid 0, failed 0", memRows))
		})

	path := filepath.Join(dir, "profile-summary.md")
	if err := os.WriteFile(path, []byte(p.summary.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("profiles and %s written", path)
}

type profiler struct {
	t       *testing.T
	h       *harness
	dir     string
	summary strings.Builder
}

func (p *profiler) roster(n int) string {
	path, err := p.h.roster(n)
	if err != nil {
		p.t.Fatal(err)
	}
	return path
}

// cli runs the command in-process with the environment the binary gets
// in BenchmarkMemory, and returns the report's path and the process CPU
// the run took.
func (p *profiler) cli(ledger string, args ...string) (string, time.Duration, time.Duration) {
	p.t.Helper()
	state := p.t.TempDir()
	for k, v := range map[string]string{
		"PARCHMENT_TOKEN": token, "PARCHMENT_ORGANIZATION_SECRET": parchmenttest.DefaultOrganizationSecret,
		"PARCHMENT_LEDGER_URL": ledger, "XDG_STATE_HOME": state, "DATABASE_URL": "",
	} {
		p.t.Setenv(k, v)
	}
	report := filepath.Join(state, "report.json")
	out, err := os.Create(report)
	if err != nil {
		p.t.Fatal(err)
	}
	defer func() { _ = out.Close() }()
	var stderr tailBuffer
	cpu := processCPU(p.t)
	began := time.Now()
	code := cli.Run(context.Background(), args, strings.NewReader(""), out, &stderr)
	wall := time.Since(began)
	cpu = processCPU(p.t) - cpu
	if code != cli.ExitOK {
		p.t.Fatalf("%s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
	}
	return report, wall, cpu
}

func (p *profiler) idleApply(name, title string, n int, roster, ledger string) {
	p.t.Helper()
	srv, stop := standIn()
	defer stop()
	cpuPath := filepath.Join(p.dir, "cpu-"+name+".pprof")
	var report string
	var wall, cpu time.Duration
	p.cpuProfile(cpuPath, func() {
		report, wall, cpu = p.cli(ledger, "apply", "--csv", roster, "--organization-id", org, "--api-url", srv.URL,
			"--output", "json", "--log-level", "error")
	})
	if err := expectReport(report, func(r syncReport) error { return r.idle(n) }); err != nil {
		p.t.Fatal(err)
	}
	if got := srv.Counters().Requests; len(got) > 0 {
		p.t.Fatalf("not idle: the stand-in received %v", got)
	}
	fmt.Fprintf(&p.summary, "\n## %s\n\nWall %s, process CPU %s (%.2f µs a row).\n",
		title, wall.Round(time.Millisecond), cpu.Round(time.Millisecond), cpu.Seconds()*1e6/float64(n))
	p.top("CPU, flat", cpuPath)
	p.top("CPU, cumulative", cpuPath, "-cum")
}

// plan profiles a plan whose report, in format (json or text), check
// judges.
func (p *profiler) plan(name, title string, n int, roster, ledger, format string, check func(report string) error) {
	p.t.Helper()
	before := filepath.Join(p.dir, "heap-"+name+"-before.pprof")
	after := filepath.Join(p.dir, "heap-"+name+"-after.pprof")
	peak := filepath.Join(p.dir, "heap-"+name+"-peak.pprof")
	cpuPath := filepath.Join(p.dir, "cpu-"+name+".pprof")
	runtime.GC()
	p.writeHeap(before)
	w := watchHeap()
	var report string
	var wall, cpu time.Duration
	p.cpuProfile(cpuPath, func() {
		report, wall, cpu = p.cli(ledger, "plan", "--csv", roster, "--organization-id", org, "--output", format, "--log-level", "error")
	})
	live, prof := w.stop()
	p.writeHeap(after)
	if err := os.WriteFile(peak, prof, 0o644); err != nil {
		p.t.Fatal(err)
	}
	if err := check(report); err != nil {
		p.t.Fatal(err)
	}
	fmt.Fprintf(&p.summary, "\n## %s\n\nWall %s, process CPU %s (%.2f µs a row). Highest live heap seen after a GC: %.0f MB "+
		"(the heap peaks near twice that between collections, at GOGC=100).\n",
		title, wall.Round(time.Millisecond), cpu.Round(time.Millisecond), cpu.Seconds()*1e6/float64(n), float64(live)/(1<<20))
	p.top("allocated during the run (alloc_space)", after, "-sample_index=alloc_space", "-base", before)
	p.top("in use at the peak (inuse_space)", peak, "-sample_index=inuse_space")
	p.top("CPU, flat", cpuPath)
	p.top("CPU, cumulative", cpuPath, "-cum")
}

func (p *profiler) cpuProfile(path string, f func()) {
	p.t.Helper()
	out, err := os.Create(path)
	if err != nil {
		p.t.Fatal(err)
	}
	defer func() { _ = out.Close() }()
	if err := pprof.StartCPUProfile(out); err != nil {
		p.t.Fatal(err)
	}
	defer pprof.StopCPUProfile()
	f()
}

func (p *profiler) writeHeap(path string) {
	p.t.Helper()
	var b bytes.Buffer
	if err := pprof.Lookup("heap").WriteTo(&b, 0); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// top adds `go tool pprof -top` of a profile to the summary.
func (p *profiler) top(title, path string, flags ...string) {
	p.t.Helper()
	args := append([]string{"tool", "pprof", "-top", "-nodecount=25"}, flags...)
	cmd := exec.Command("go", append(args, path)...)
	cmd.Dir = p.h.root
	out, err := cmd.CombinedOutput()
	if err != nil {
		p.t.Fatalf("go %s: %v\n%s", strings.Join(cmd.Args[1:], " "), err, out)
	}
	rel, _ := filepath.Rel(p.h.root, path)
	fmt.Fprintf(&p.summary, "\n### %s\n\n`go %s`\n\n```text\n%s```\n", title, strings.Join(append(args, rel), " "), out)
}

// heapWatch polls the live heap and keeps the heap profile taken when it
// was highest: the profile's in-use figures are as of the latest GC, as
// the live heap metric is, so the two agree.
type heapWatch struct {
	done chan struct{}
	res  chan heapPeak
}

type heapPeak struct {
	live uint64
	prof []byte
}

func watchHeap() *heapWatch {
	w := &heapWatch{done: make(chan struct{}), res: make(chan heapPeak, 1)}
	go func() {
		var best heapPeak
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if live := sample[0].Value.Uint64(); best.prof == nil || live > best.live+best.live/20 {
				var b bytes.Buffer
				if err := pprof.Lookup("heap").WriteTo(&b, 0); err == nil {
					best = heapPeak{live: live, prof: b.Bytes()}
				}
			}
			select {
			case <-w.done:
				w.res <- best
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

func (w *heapWatch) stop() (uint64, []byte) {
	close(w.done)
	r := <-w.res
	return r.live, r.prof
}

// processCPU is the user and system CPU this process has used.
func processCPU(t *testing.T) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// tailBuffer keeps the last 8 KiB written: enough of a failing run's
// stderr to say why, however much it logged.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	const keep = 8 << 10
	t.b = append(t.b, p...)
	if len(t.b) > keep {
		t.b = append(t.b[:0], t.b[len(t.b)-keep:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }
