package hris

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// Record is one employee as the mapping sees it: each field's text under
// its dotted path. JSON null is an empty value: the record carries the
// field, empty. A field the record lacks is read as an empty cell too.
type Record map[string]string

// Flatten turns a decoded JSON object (decoded with UseNumber) into a
// Record: nested objects by dotted path, numbers and booleans as their
// text (1, true), lists of plain values joined with ", ", lists of objects
// by index (phones.0.number).
func Flatten(obj map[string]any) Record {
	rec := Record{}
	flattenInto(rec, "", obj)
	return rec
}

func flattenInto(rec Record, prefix string, v any) {
	switch v := v.(type) {
	case nil:
		rec[prefix] = ""
	case map[string]any:
		for k, sub := range v {
			flattenInto(rec, join(prefix, k), sub)
		}
	case []any:
		var plain []string
		for i, item := range v {
			switch item.(type) {
			case map[string]any, []any:
				flattenInto(rec, join(prefix, strconv.Itoa(i)), item)
			case nil:
			default:
				plain = append(plain, scalar(item))
			}
		}
		if len(plain) > 0 {
			rec[prefix] = strings.Join(plain, ", ")
		}
	default:
		rec[prefix] = scalar(v)
	}
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func scalar(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// DecodeObjects decodes a JSON array of objects, keeping numbers as
// written.
func DecodeObjects(body []byte) ([]map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var out []map[string]any
	err := dec.Decode(&out)
	return out, err
}
