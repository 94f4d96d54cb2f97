package cli

import (
	"encoding/csv"
	"io"
)

// csvFlusher lets csvutil write through encoding/csv and be flushed.
type csvFlusher struct{ *csv.Writer }

func (c csvFlusher) Write(rec []string) error {
	if err := c.Writer.Write(rec); err != nil {
		return err
	}
	c.Flush()
	return c.Error()
}

func newCSVWriter(w io.Writer) csvFlusher { return csvFlusher{csv.NewWriter(w)} }
