package mapping_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/mapping"
)

// BenchmarkReadRoster reads a roster file of canonical headers as the sync
// engine does on each of its reads: the floor under an idle run's cost per
// row. It reports ns/row and allocs/row.
func BenchmarkReadRoster(b *testing.B) {
	const rows = 20_000
	path := filepath.Join(b.TempDir(), "roster.csv")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := rostertest.WriteCSV(f, rows); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	file, err := mapping.OpenCSVFile(path, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		if err := file.Each(b.Context(), func(row *mapping.Row) error {
			if !row.Valid() {
				b.Fatalf("line %d: %v", row.Line, row.Problems)
			}
			n++
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		if n != rows {
			b.Fatalf("read %d rows, want %d", n, rows)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*rows), "ns/row")
}
