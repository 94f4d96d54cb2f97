package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const sample = `goos: linux
pkg: github.com/parchment-sync/parchment-sync/sync
BenchmarkApplyCreates/paced-2   1   20058672538 ns/op   0 429s   0.9971 rate-ratio
BenchmarkApplyCreates/paced-2   1   20063791979 ns/op   2 429s   0.9968 rate-ratio
BenchmarkApplyCreates/paced-2   1   21615235236 ns/op   0 429s   0.9253 rate-ratio
BenchmarkApplyCreates/local-2   1   1503688983 ns/op   751.8 wall-us/row
BenchmarkApplyCreates/local-2   1   1692095526 ns/op   846.0 wall-us/row
PASS
ok  	github.com/parchment-sync/parchment-sync/sync	28.580s
`

func TestMediansAndRanges(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	require.NoError(t, run(nil, strings.NewReader(sample), &out))
	require.Equal(t, `benchmark                      unit         median  min     max     runs
BenchmarkApplyCreates/paced-2  s/op         20.06   20.06   21.62   3
BenchmarkApplyCreates/paced-2  429s         0       0       2       3
BenchmarkApplyCreates/paced-2  rate-ratio   0.9968  0.9253  0.9971  3
BenchmarkApplyCreates/local-2  s/op         1.598   1.504   1.692   2
BenchmarkApplyCreates/local-2  wall-us/row  798.9   751.8   846     2
`, out.String())
}

func TestBrokenRunsFail(t *testing.T) {
	t.Parallel()
	for name, input := range map[string]string{
		"assertion": sample + "--- FAIL: BenchmarkApplyCreates/paced\nFAIL\n",
		"panic":     "panic: runtime error\n",
		"verdict":   "FAIL\tgithub.com/parchment-sync/parchment-sync/sync\t1.2s\n",
		"empty":     "with-postgres: PostgreSQL (initdb, pg_ctl) not found\n",
		"name only": "BenchmarkApplyCreates/paced\n    bench_test.go:12: log line\n",
	} {
		var out bytes.Buffer
		require.Error(t, run(nil, strings.NewReader(input), &out), name)
		require.Empty(t, out.String(), name)
	}
}

func TestAnyUnit(t *testing.T) {
	t.Parallel()
	input := `pkg: github.com/parchment-sync/parchment-sync/parchment
BenchmarkAdaptivePacer/changing-limit-2   1   50243306691 ns/op   1.942 429-pct   7.250 follow-10-s   15.00 follow-30-s   0.6657 of-limit
BenchmarkAdaptivePacer/changing-limit-2   1   50251226023 ns/op   2.311 429-pct   4.500 follow-10-s   9.750 follow-30-s   0.7012 of-limit
BenchmarkAdaptivePacer/changing-limit-2   1   50238114557 ns/op   1.650 429-pct   6.000 follow-10-s   12.25 follow-30-s   0.6821 of-limit
ok  	github.com/parchment-sync/parchment-sync/parchment	151.3s
`
	var out bytes.Buffer
	require.NoError(t, run(nil, strings.NewReader(input), &out))
	require.Equal(t, `benchmark                                unit         median  min     max     runs
BenchmarkAdaptivePacer/changing-limit-2  s/op         50.24   50.24   50.25   3
BenchmarkAdaptivePacer/changing-limit-2  429-pct      1.942   1.65    2.311   3
BenchmarkAdaptivePacer/changing-limit-2  follow-10-s  6       4.5     7.25    3
BenchmarkAdaptivePacer/changing-limit-2  follow-30-s  12.25   9.75    15      3
BenchmarkAdaptivePacer/changing-limit-2  of-limit     0.6821  0.6657  0.7012  3
`, out.String())
}

// BenchmarkMemory's units, and its PostgreSQL case skipped, which is no
// failure.
func TestMemoryUnitsAndSkips(t *testing.T) {
	t.Parallel()
	input := `pkg: github.com/parchment-sync/parchment-sync/internal/membench
BenchmarkMemory/validate-1M-2         	       1	9156710590 ns/op	        12.85 cpu-us/row	        1404 peak-MB
BenchmarkMemory/validate-1M-2         	       1	9356710590 ns/op	        13.05 cpu-us/row	        1398 peak-MB
--- BENCH: BenchmarkMemory/validate-1M-2
    membench_test.go:57: wall 9.2s, CPU 12.9s, peak RSS 1404.0 MB
BenchmarkMemory/idle-apply-100k-postgres
--- SKIP: BenchmarkMemory/idle-apply-100k-postgres
    membench_test.go:84: PARCHMENT_TEST_DATABASE_URL is not set; run ` + "`make bench`" + `
PASS
ok  	github.com/parchment-sync/parchment-sync/internal/membench	20.1s
`
	var out bytes.Buffer
	require.NoError(t, run(nil, strings.NewReader(input), &out))
	require.Equal(t, `benchmark                      unit        median  min    max    runs
BenchmarkMemory/validate-1M-2  s/op        9.257   9.157  9.357  2
BenchmarkMemory/validate-1M-2  cpu-us/row  12.95   12.85  13.05  2
BenchmarkMemory/validate-1M-2  peak-MB     1401    1398   1404   2
`, out.String())
}

func TestLargeFiguresHaveNoExponent(t *testing.T) {
	t.Parallel()
	input := "BenchmarkMemory/plan-1M-2   1   61234567890 ns/op   12345.6 peak-MB   0.000012 x\n"
	var out bytes.Buffer
	require.NoError(t, run(nil, strings.NewReader(input), &out))
	require.Equal(t, `benchmark                  unit     median   min      max      runs
BenchmarkMemory/plan-1M-2  s/op     61.23    61.23    61.23    1
BenchmarkMemory/plan-1M-2  peak-MB  12346    12346    12346    1
BenchmarkMemory/plan-1M-2  x        1.2e-05  1.2e-05  1.2e-05  1
`, out.String())
}
