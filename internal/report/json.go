// Package report writes a run's report for people (text) and scripts
// (JSON), streaming its changes and failures rather than holding them.
package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// JSON writes v, which holds reports, as indented JSON, with every
// report's failures and changes streamed from the run rather than held:
// a million changes cost the same memory as ten. The output is what
// json.Encoder with two-space indent would write.
func JSON(w io.Writer, v any, reports []*psync.Report) error {
	type kept struct {
		changes  []psync.Change
		failures []psync.Failure
	}
	var live []*psync.Report
	saved := []kept{}
	for _, r := range reports {
		if r != nil {
			live = append(live, r)
			saved = append(saved, kept{r.Changes, r.Failures})
			r.Changes, r.Failures = []psync.Change{}, []psync.Failure{}
		}
	}
	b, err := json.MarshalIndent(v, "", "  ")
	for i := len(live) - 1; i >= 0; i-- { // backwards: a report may be listed twice
		live[i].Changes, live[i].Failures = saved[i].changes, saved[i].failures
	}
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	pos := 0
	for _, r := range live {
		for _, key := range []string{"failures", "changes"} {
			placeholder := []byte(`"` + key + `": []`)
			at := bytes.Index(b[pos:], placeholder)
			if at < 0 {
				return fmt.Errorf("report: no %s in the encoded report", key)
			}
			at += pos
			indent := string(b[bytes.LastIndexByte(b[:at], '\n')+1 : at])
			_, _ = bw.Write(b[pos:at])
			_, _ = bw.WriteString(`"` + key + `": `)
			var err error
			if key == "failures" {
				err = StreamArray(bw, indent, r.EachFailure)
			} else {
				err = StreamArray(bw, indent, r.EachChange)
			}
			if err != nil {
				return err
			}
			pos = at + len(placeholder)
		}
	}
	_, _ = bw.Write(b[pos:])
	_ = bw.WriteByte('\n')
	return bw.Flush()
}

// StreamArray writes the items each gives as an indented JSON array.
func StreamArray[T any](w *bufio.Writer, indent string, each func(func(T) error) error) error {
	n := 0
	err := each(func(it T) error {
		b, err := json.MarshalIndent(it, indent+"  ", "  ")
		if err != nil {
			return err
		}
		if n == 0 {
			_ = w.WriteByte('[')
		} else {
			_ = w.WriteByte(',')
		}
		n++
		_, _ = w.WriteString("\n" + indent + "  ")
		_, err = w.Write(b)
		return err
	})
	if err != nil {
		return err
	}
	if n == 0 {
		_, err = w.WriteString("[]")
	} else {
		_, err = w.WriteString("\n" + indent + "]")
	}
	return err
}

// Named is one organisation's report in a config file's output.
type Named struct {
	Name string `json:"name"`
	*psync.Report
}
