package main

import (
	"fmt"
	"io"
	"slices"
	"text/tabwriter"
)

// write prints one row per metric: the median of its runs, their range and
// how many there were.
func (res *results) write(out io.Writer) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "benchmark\tunit\tmedian\tmin\tmax\truns")
	for _, m := range res.order {
		vs := slices.Sorted(slices.Values(res.values[m]))
		fmt.Fprintf(tw, "%s\t%s\t%.4g\t%.4g\t%.4g\t%d\n", m.benchmark, m.unit, median(vs), vs[0], vs[len(vs)-1], len(vs))
	}
	return tw.Flush()
}

// median of sorted, non-empty values; the mean of the middle two for an
// even count.
func median(sorted []float64) float64 {
	n := len(sorted)
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}
