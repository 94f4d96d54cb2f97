package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"text/tabwriter"
)

// write prints one row per metric: the median of its runs, their range and
// how many there were.
func (res *results) write(out io.Writer) error {
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "benchmark\tunit\tmedian\tmin\tmax\truns")
	for _, m := range res.order {
		vs := slices.Sorted(slices.Values(res.values[m]))
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\n", m.benchmark, m.unit, format(median(vs)), format(vs[0]), format(vs[len(vs)-1]), len(vs))
	}
	return tw.Flush()
}

// format gives four significant digits, but never an exponent for
// figures of five digits or more (a peak of 12345 MB reads 12345, not
// 1.234e+04).
func format(v float64) string {
	if a := math.Abs(v); a >= 1e4 && a < 1e15 {
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	}
	return fmt.Sprintf("%.4g", v)
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
