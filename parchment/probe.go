package parchment

import (
	"context"
	"net/http"
)

// Probe asks the base URL whether the API is there, without credentials:
// an unauthenticated validate call that the API refuses with its own 401
// (or 403) proves host, scheme, certificate and path prefix right before
// any credential is judged. It returns nil then, else the failure, which
// Kind classifies. A refusal here never stops the client.
func (c *Client) Probe(ctx context.Context) error {
	_, err := c.do(ctx, request{
		op: "probe", method: http.MethodGet, path: c.org + "/validate",
		anonymous: true, bare: true, mayRetry: true,
	})
	e, ok := AsError(err)
	if !ok {
		return err
	}
	if e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden && e.envelope {
		return nil
	}
	return err
}
