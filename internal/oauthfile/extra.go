package oauthfile

import (
	"io"
	"net/http"
	"net/url"
	"strings"
)

// WithExtra returns a client that adds extra to the form body of every
// POST it sends: x/oauth2 sends only the standard parameters, and some
// servers want more on a refresh. With no extra it returns base.
func WithExtra(base *http.Client, extra url.Values) *http.Client {
	if base == nil {
		base = http.DefaultClient
	}
	if len(extra) == 0 {
		return base
	}
	c := *base
	rt := c.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	c.Transport = extraForm{base: rt, extra: extra}
	return &c
}

type extraForm struct {
	base  http.RoundTripper
	extra url.Values
}

func (e extraForm) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodPost || !strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") || req.Body == nil {
		return e.base.RoundTrip(req)
	}
	body, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	for k, vs := range e.extra {
		if !form.Has(k) {
			form[k] = vs
		}
	}
	enc := form.Encode()
	r := req.Clone(req.Context())
	r.Body = io.NopCloser(strings.NewReader(enc))
	r.ContentLength = int64(len(enc))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(enc)), nil }
	return e.base.RoundTrip(r)
}
