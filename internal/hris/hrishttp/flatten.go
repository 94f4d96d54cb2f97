package hrishttp

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Record is one employee as a source row: dotted keys to text.
type Record = map[string]string

// Flatten turns one JSON object into a Record. Nested objects give dotted
// keys (ContactObject.Email); null gives ""; numbers keep the text the
// server wrote; booleans are true or false. A list of plain values is
// joined with "|" (a mapping's separator splits it); a list of objects
// gives indexed keys (teams.0.name). Keys in skip (such as metadata) are
// left out at any depth.
func Flatten(obj map[string]any, skip ...string) Record {
	out := Record{}
	flattenInto(out, "", obj, skip)
	return out
}

func flattenInto(out Record, prefix string, obj map[string]any, skip []string) {
	for k, v := range obj {
		if slices.Contains(skip, k) {
			continue
		}
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		switch x := v.(type) {
		case map[string]any:
			flattenInto(out, key, x, skip)
		case []any:
			flattenList(out, key, x, skip)
		default:
			out[key] = scalar(v)
		}
	}
}

func flattenList(out Record, key string, list []any, skip []string) {
	var plain []string
	for i, item := range list {
		if m, ok := item.(map[string]any); ok {
			flattenInto(out, key+"."+strconv.Itoa(i), m, skip)
			continue
		}
		plain = append(plain, scalar(item))
	}
	if len(plain) > 0 || len(list) == 0 {
		out[key] = strings.Join(plain, "|")
	}
}

func scalar(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case bool:
		return strconv.FormatBool(x)
	default:
		return fmt.Sprint(x)
	}
}

// Decode reads JSON into v keeping numbers as written (an id such as
// 8003614900029560 must not pass through a float).
func Decode(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	return dec.Decode(v)
}
