package main

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// metric names one series: a benchmark and one of its units.
type metric struct{ benchmark, unit string }

// results holds every value read, by metric, in the order first seen.
type results struct {
	order  []metric
	values map[metric][]float64
	// failed is set by go test's failure lines: a benchmark that failed an
	// assertion, a panic, or the package's FAIL verdict.
	failed bool
}

// parse reads go test output. A result line is
//
//	BenchmarkName-2   1   20058672538 ns/op   0.9971 rate-ratio ...
//
// the name, the iteration count, then value and unit pairs. ns/op is turned
// into s/op, which reads better for runs of seconds.
func parse(r io.Reader) (*results, error) {
	res := &results{values: map[metric][]float64{}}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if isFailure(line) {
			res.failed = true
		}
		if strings.HasPrefix(line, "Benchmark") {
			res.addLine(strings.Fields(line))
		}
	}
	return res, sc.Err()
}

func isFailure(line string) bool {
	return line == "FAIL" || strings.HasPrefix(line, "FAIL\t") ||
		strings.HasPrefix(line, "--- FAIL") || strings.HasPrefix(line, "panic: ")
}

// addLine keeps a well-formed result line. Anything else starting with
// "Benchmark" (a name alone, before a benchmark's log lines) is skipped.
func (res *results) addLine(fields []string) {
	if len(fields) < 4 || len(fields)%2 != 0 {
		return
	}
	if _, err := strconv.ParseInt(fields[1], 10, 64); err != nil {
		return
	}
	for i := 2; i < len(fields); i += 2 {
		v, err := strconv.ParseFloat(fields[i], 64)
		if err != nil {
			return
		}
		unit := fields[i+1]
		if unit == "ns/op" {
			v, unit = v/1e9, "s/op"
		}
		res.add(metric{fields[0], unit}, v)
	}
}

func (res *results) add(m metric, v float64) {
	if _, seen := res.values[m]; !seen {
		res.order = append(res.order, m)
	}
	res.values[m] = append(res.values[m], v)
}
