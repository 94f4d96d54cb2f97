package pgsource

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// text renders a value pgx decoded the way a roster CSV would hold it.
func text(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case time.Time:
		// Dates of birth and end dates; a time of day carries no meaning in a
		// roster.
		return v.Format(time.DateOnly)
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case int32:
		return strconv.FormatInt(int64(v), 10)
	case int16:
		return strconv.FormatInt(int64(v), 10)
	case float64:
		// Never an exponent: an identifier stored as a number stays whole.
		return strconv.FormatFloat(v, 'f', -1, 64)
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32)
	case []byte:
		return string(v)
	case [16]byte:
		return fmt.Sprintf("%x-%x-%x-%x-%x", v[0:4], v[4:6], v[6:8], v[8:10], v[10:16])
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = text(e)
		}
		return strings.Join(parts, ",")
	case driver.Valuer:
		if dv, err := v.Value(); err == nil {
			return text(dv)
		}
	case fmt.Stringer:
		return v.String()
	}
	return fmt.Sprint(v)
}
