// Command benchreport summarises `go test -bench` output: for every
// benchmark and unit, the median of its runs and their range. On a noisy
// machine a median says more than any one run.
//
// Usage: benchreport [FILE]   (standard input without FILE)
//
// It fails, printing no figures, when the output shows a failed test or
// holds no result, so that `go test … | tee FILE; benchreport FILE` still
// fails a broken run, whose status the pipe would otherwise hide.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, out io.Writer) error {
	in := stdin
	switch len(args) {
	case 0:
	case 1:
		f, err := os.Open(args[0])
		if err != nil {
			return err
		}
		defer func() { _ = f.Close() }()
		in = f
	default:
		return errors.New("usage: benchreport [FILE]")
	}
	res, err := parse(in)
	if err != nil {
		return err
	}
	switch {
	case res.failed:
		return errors.New("the benchmark run failed: no summary")
	case len(res.order) == 0:
		return errors.New("no benchmark result in the input")
	}
	return res.write(out)
}
