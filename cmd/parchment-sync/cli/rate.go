package cli

import (
	"strconv"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
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
	v, err := fleet.ParseRate(s)
	if err != nil {
		return err
	}
	*r = rateValue(v)
	return nil
}

func (r *rateValue) Type() string { return "rate" }
