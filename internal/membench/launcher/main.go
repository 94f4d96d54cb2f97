// Command launcher starts BenchmarkMemory's measured commands, so that
// their peak RSS is their own. On Linux a child's ru_maxrss starts at the
// high-water mark of the process it was exec'd from (Go's os/exec shares
// the parent's memory until exec), so a command started straight from the
// benchmark, whose stand-in held a million users while seeding, would report
// the benchmark's peak instead of its own. This process stays a few MB, and
// it reports that floor (VmHWM) with each result.
//
// It reads one JSON request a line on standard input and answers each with
// one JSON result line on standard output, until end of input.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Request is one command to run. BenchmarkMemory's harness has the same
// fields.
type Request struct {
	Path   string   `json:"path"`
	Args   []string `json:"args"`
	Env    []string `json:"env"`
	Stdout string   `json:"stdout"` // file receiving the command's stdout
}

// Result is what the command cost, from its rusage.
type Result struct {
	MaxRSSKB int64  `json:"maxrss_kb"`
	CPUNanos int64  `json:"cpu_ns"`
	WallNs   int64  `json:"wall_ns"`
	Exit     int    `json:"exit"`
	Error    string `json:"error,omitempty"`
	Stderr   string `json:"stderr,omitempty"`
	// FloorKB is this process's own high-water RSS: a command's maxrss
	// can never read lower.
	FloorKB int64 `json:"floor_kb"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	enc := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var req Request
		res := Result{}
		if err := json.Unmarshal(in.Bytes(), &req); err != nil {
			res.Error = err.Error()
		} else {
			res = run(req)
		}
		res.FloorKB = hwm()
		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(os.Stderr, "launcher:", err)
			os.Exit(1)
		}
	}
}

func run(req Request) Result {
	out, err := os.Create(req.Stdout)
	if err != nil {
		return Result{Error: err.Error()}
	}
	defer func() { _ = out.Close() }()
	var stderr tail
	cmd := exec.Command(req.Path, req.Args...)
	cmd.Env, cmd.Stdout, cmd.Stderr = req.Env, out, &stderr
	began := time.Now()
	err = cmd.Run()
	res := Result{WallNs: int64(time.Since(began)), Stderr: string(stderr)}
	if err != nil {
		res.Error = err.Error()
	}
	if cmd.ProcessState == nil {
		return res
	}
	res.Exit = cmd.ProcessState.ExitCode()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.MaxRSSKB = ru.Maxrss
		res.CPUNanos = ru.Utime.Nano() + ru.Stime.Nano()
	} else if res.Error == "" {
		res.Error = errors.New("no rusage on this system").Error()
	}
	return res
}

// hwm is this process's VmHWM in KiB, 0 where /proc does not say.
func hwm() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// tail keeps the last 8 KiB of a command's stderr.
type tail []byte

func (t *tail) Write(p []byte) (int, error) {
	const keep = 8 << 10
	*t = append(*t, p...)
	if len(*t) > keep {
		*t = append((*t)[:0], (*t)[len(*t)-keep:]...)
	}
	return len(p), nil
}
