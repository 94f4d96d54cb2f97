package rostertest

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWriteCSVMatchesStaff(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 4, 5, 57, 1234} {
		var b strings.Builder
		require.NoError(t, WriteCSV(&b, n))
		require.Equal(t, CSV(Staff(n)), b.String(), "n=%d", n)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteCSVReportsWriteErrors(t *testing.T) {
	t.Parallel()
	require.ErrorContains(t, WriteCSV(failingWriter{}, 10000), "disk full")
}
