package mapping

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// Values repeated far apart, across the chunks Duplicates keeps its
// entries in, are found, and only those.
func TestDuplicatesAcrossChunks(t *testing.T) {
	t.Parallel()
	const n = 3<<keyedChunkBits + 7
	rows := make([]Row, n)
	for i := range rows {
		rows[i] = Row{Line: i + 2, Record: Record{ExternalUserID: fmt.Sprintf("E%d", i), Email: fmt.Sprintf("p%d@example.com", i)}}
	}
	rows[n-1].Record.ExternalUserID = "E3"
	rows[1<<keyedChunkBits].Record.Email = "P5@Example.com"
	rows[9].Skipped = true
	rows[9].Record.ExternalUserID = "E3"

	d := NewDuplicates()
	for i := range rows {
		d.Add(&rows[i])
	}
	d.Finish()
	var got []int
	d.Repeated(func(ord int) { got = append(got, ord) })
	slices.Sort(got)
	require.Equal(t, []int{3, 5, 1 << keyedChunkBits, n - 1}, got)

	d.Mark(&rows[n-1], n-1)
	require.Len(t, rows[n-1].Problems, 1)
	require.Equal(t, "external_user_id is also used on line 5; each person needs their own ID", rows[n-1].Problems[0].Message)
}
