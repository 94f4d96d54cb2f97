package parchment

import (
	"log/slog"
	"net/url"
	"sync/atomic"
	"time"
)

// Client talks to one Parchment organisation. It is safe for concurrent
// use; all goroutines share its pacing, its token and its fatal stop.
type Client struct {
	cfg    Config
	base   string // BaseURL without trailing slash
	org    string // escaped organisation path prefix
	log    *slog.Logger
	pacer  *pacer
	tokens *tokens
	// jitter draws the randomised part of each backoff.
	jitter func(time.Duration) time.Duration
	// fatal holds the first fatal error; once set, calls send nothing.
	fatal atomic.Pointer[Error]
}

// New validates cfg, applies its defaults and returns a Client. No request
// is sent until the first call.
func New(cfg Config) (*Client, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	base, err := parseBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	cfg.Redactor.Add(cfg.OrganizationSecret, cfg.Token, cfg.PartnerSecret)
	c := &Client{
		cfg:    cfg,
		base:   base.String(),
		org:    "/v1/organizations/" + url.PathEscape(cfg.OrganizationID),
		log:    cfg.Logger,
		pacer:  newPacer(cfg.Rate, cfg.Burst, cfg.Logger),
		jitter: fullJitter,
	}
	c.tokens = newTokens(cfg.Token, c.fetchToken)
	return c, nil
}

// OrganizationID returns the organisation the client works in.
func (c *Client) OrganizationID() string { return c.cfg.OrganizationID }

// Err returns the fatal error that stopped the client, or nil while it
// still sends.
func (c *Client) Err() error {
	if e := c.fatal.Load(); e != nil {
		return e
	}
	return nil
}

// stop records the first fatal error.
func (c *Client) stop(e *Error) {
	if c.fatal.CompareAndSwap(nil, e) {
		c.log.Error("parchment client stopped", "op", e.Op, "status", e.Status, "request_id", e.RequestID, "error", e.Error())
	}
}

// stopped returns the error a call gets without sending once the client
// has stopped, or nil.
func (c *Client) stopped() *Error {
	f := c.fatal.Load()
	if f == nil {
		return nil
	}
	return &Error{Status: f.Status, Code: f.Code, Type: f.Type, Title: f.Title, Detail: f.Detail, Err: ErrStopped}
}
