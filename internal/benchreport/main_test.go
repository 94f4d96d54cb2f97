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
