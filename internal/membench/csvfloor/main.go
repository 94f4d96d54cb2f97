// Command csvfloor is BenchmarkMemory's floor: it reads a roster CSV the
// way every command does (mapping.OpenCSV, each row normalised and
// validated) but keeps no row, then prints the row count and the invalid
// count. Its peak RSS and CPU are what any command that must read and check
// every row costs at least, with no ledger, no diff and no report.
//
// Usage: csvfloor FILE
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/parchment-sync/parchment-sync/mapping"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "csvfloor:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	if len(args) != 1 {
		return errors.New("usage: csvfloor FILE")
	}
	f, err := os.Open(args[0])
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }()
	r, err := mapping.OpenCSV(f, args[0], nil)
	if err != nil {
		return err
	}
	rows, invalid := 0, 0
	for {
		row, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		rows++
		if !row.Valid() {
			invalid++
		}
	}
	_, err = fmt.Fprintf(out, "%d %d\n", rows, invalid)
	return err
}
