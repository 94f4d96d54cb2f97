package parchment

import (
	"context"
	"net/http"
)

// Validate asks whether the organisation is connected to the partner.
func (c *Client) Validate(ctx context.Context) (*ValidateResult, error) {
	var data struct {
		Validated bool `json:"validated"`
	}
	res, err := c.do(ctx, request{op: "validate", method: http.MethodGet, path: c.org + "/validate", into: &data})
	if err != nil {
		return nil, err
	}
	return &ValidateResult{Result: *res, Validated: data.Validated}, nil
}
