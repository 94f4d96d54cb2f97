package cli

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// rateValue is --rate and the config key rate: a ceiling in requests per
// second, or "auto" for none (the client finds the server's limit).
type rateValue float64

func (r *rateValue) String() string {
	if float64(*r) == parchment.RateAuto {
		return "auto"
	}
	return strconv.FormatFloat(float64(*r), 'g', -1, 64)
}

func (r *rateValue) Set(s string) error {
	v, err := parseRate(s)
	if err != nil {
		return err
	}
	*r = rateValue(v)
	return nil
}

func (r *rateValue) Type() string { return "rate" }

// parseRate reads a rate as written by an operator.
func parseRate(s string) (float64, error) {
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
