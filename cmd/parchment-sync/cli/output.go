package cli

import (
	"github.com/parchment-sync/parchment-sync/internal/report"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

func (a *app) writeReport(format string, r *psync.Report) error {
	if format == "json" {
		return report.JSON(a.stdout, r, []*psync.Report{r})
	}
	return report.Text(a.stdout, r)
}
