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

// Flatten turns one JSON object into a Record, as the KeyPay source does,
// so one mapping seam reads every HR system: nested objects give dotted
// keys (ContactObject.Email); null gives ""; numbers keep the text the
// server wrote; booleans are true or false. A list of plain values is
// joined with ", "; a list of objects gives indexed keys (teams.0.name);
// an empty list gives no key. Keys in skip (such as metadata) are left
// out at any depth.
func Flatten(obj map[string]any, skip ...string) Record {
	out := Record{}
	flattenInto(out, "", obj, skip)
	return out
}

func flattenInto(out Record, key string, v any, skip []string) {
	switch x := v.(type) {
	case map[string]any:
		for k, sub := range x {
			if !slices.Contains(skip, k) {
				flattenInto(out, join(key, k), sub, skip)
			}
		}
	case []any:
		var plain []string
		for i, item := range x {
			switch item.(type) {
			case map[string]any, []any:
				flattenInto(out, join(key, strconv.Itoa(i)), item, skip)
			case nil:
			default:
				plain = append(plain, scalar(item))
			}
		}
		if len(plain) > 0 {
			out[key] = strings.Join(plain, ", ")
		}
	default:
		out[key] = scalar(v)
	}
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
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
