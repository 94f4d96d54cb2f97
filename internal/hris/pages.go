package hris

import (
	"context"
	"slices"

	"github.com/sourcegraph/conc/pool"
)

// Pages reads an offset-paged list whose total is unknown: it fetches
// windows of concurrency pages at once (skip 0, size, 2·size, …) and
// hands them to emit in order, stopping after the first page shorter than
// size. A failed page cancels its window and is returned.
func Pages[T any](ctx context.Context, size, concurrency int, fetch func(ctx context.Context, skip int) ([]T, error), emit func([]T) error) error {
	concurrency = max(concurrency, 1)
	type page struct {
		n     int
		items []T
	}
	for start := 0; ; start += concurrency {
		p := pool.NewWithResults[page]().WithContext(ctx).WithCancelOnError().WithFirstError().WithMaxGoroutines(concurrency)
		for n := start; n < start+concurrency; n++ {
			p.Go(func(ctx context.Context) (page, error) {
				items, err := fetch(ctx, n*size)
				return page{n: n, items: items}, err
			})
		}
		window, err := p.Wait()
		if err != nil {
			return err
		}
		slices.SortFunc(window, func(a, b page) int { return a.n - b.n })
		for _, pg := range window {
			if err := emit(pg.items); err != nil {
				return err
			}
			if len(pg.items) < size {
				return nil
			}
		}
	}
}
