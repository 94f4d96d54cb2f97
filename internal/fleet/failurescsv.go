package fleet

import (
	"encoding/csv"
	"os"
	"strconv"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// WriteFailuresCSV writes failures for a person to work through; cells a
// spreadsheet would run as formulas are defused.
func WriteFailuresCSV(path string, failures []psync.Failure) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	_ = w.Write([]string{"external_user_id", "line", "field", "message", "http_status", "request_id"})
	for _, fl := range failures {
		_ = w.Write([]string{defuseCell(fl.ExternalUserID), strconv.Itoa(fl.Line), defuseCell(fl.Field), defuseCell(fl.Message),
			strconv.Itoa(fl.HTTPStatus), defuseCell(fl.RequestID)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
