package fleet

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// ParseRate reads a rate as written by an operator.
func ParseRate(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if strings.EqualFold(s, "auto") {
		return parchment.RateAuto, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || !(v > 0) {
		return 0, fmt.Errorf("must be requests per second above 0, or auto, not %q", s)
	}
	return v, nil
}
