// Package employmenthero reads employees from Employment Hero's HR API:
// every employee of an organisation, terminated ones included, each
// flattened to dotted keys, with their custom fields when asked.
package employmenthero

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/sync/errgroup"
	"golang.org/x/time/rate"

	"github.com/parchment-sync/parchment-sync/internal/hris/hrishttp"
)

// APIURL is Employment Hero's API host.
const APIURL = "https://api.employmenthero.com"

// MaxPage is the item_per_page asked for: the largest every account of
// the docs agrees on.
const MaxPage = 100

// Config says where and how to read.
type Config struct {
	// URL is "" for APIURL.
	URL            string
	OrganisationID string
	// Token authorises each request: an oauthfile.Source.
	Token oauth2.TokenSource
	// Credentials names what to fix when the token is refused.
	Credentials string
	HTTPClient  *http.Client
	// PageSize is item_per_page, at most (and by default) 100.
	PageSize int
	// Concurrency bounds requests in flight after the first page; 0 is 4.
	Concurrency int
	// CustomFields reads each employee's custom fields too: one request
	// per employee, as the API has no other way.
	CustomFields bool
	// Limiter spaces requests; nil is Employment Hero's published limit
	// of 100 a minute (20 a second at most in a burst).
	Limiter *rate.Limiter
	Retry   hrishttp.Retry
}

// Client reads employees.
type Client struct {
	c    Config
	http *http.Client
	base string
}

// New returns a client for c.
func New(c Config) *Client {
	if c.PageSize <= 0 || c.PageSize > MaxPage {
		c.PageSize = MaxPage
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	if c.Limiter == nil {
		c.Limiter = rate.NewLimiter(rate.Limit(100.0/60), 20)
	}
	base := c.HTTPClient
	if base == nil {
		base = http.DefaultClient
	}
	hc := *base
	hc.Transport = &oauth2.Transport{Source: c.Token, Base: base.Transport}
	u := strings.TrimRight(c.URL, "/")
	if u == "" {
		u = APIURL
	}
	return &Client{c: c, http: &hc, base: u + "/api/v1/organisations/" + url.PathEscape(c.OrganisationID)}
}

type envelope struct {
	Data struct {
		Items      []map[string]any `json:"items"`
		PageIndex  int              `json:"page_index"`
		TotalPages int              `json:"total_pages"`
		TotalItems int              `json:"total_items"`
	} `json:"data"`
}

// Read calls yield with every employee, in the API's order, as a record
// of dotted keys (first_name, company_mobile, teams.0.name, and
// custom_fields.<name> when asked). Page 1 gives total_pages; the rest
// are read Concurrency at a time.
func (cl *Client) Read(ctx context.Context, yield func(hrishttp.Record) error) error {
	first, err := cl.page(ctx, 1)
	if err != nil {
		return err
	}
	pages := make([][]hrishttp.Record, max(first.Data.TotalPages, 1))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(cl.c.Concurrency)
	g.Go(func() (err error) {
		pages[0], err = cl.records(gctx, first)
		return err
	})
	for i := 1; i < len(pages); i++ {
		g.Go(func() error {
			env, err := cl.page(gctx, i+1)
			if err == nil {
				pages[i], err = cl.records(gctx, env)
			}
			return err
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, p := range pages {
		for _, r := range p {
			if err := yield(r); err != nil {
				return err
			}
		}
	}
	return nil
}

func (cl *Client) page(ctx context.Context, index int) (envelope, error) {
	q := url.Values{"page_index": {strconv.Itoa(index)}, "item_per_page": {strconv.Itoa(cl.c.PageSize)}}
	var env envelope
	if err := cl.get(ctx, cl.base+"/employees?"+q.Encode(), &env); err != nil {
		return env, fmt.Errorf("employment hero: reading employees page %d: %w", index, err)
	}
	return env, nil
}

func (cl *Client) records(ctx context.Context, env envelope) ([]hrishttp.Record, error) {
	out := make([]hrishttp.Record, len(env.Data.Items))
	for i, item := range env.Data.Items {
		out[i] = hrishttp.Flatten(item)
	}
	if !cl.c.CustomFields {
		return out, nil
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(cl.c.Concurrency)
	for _, r := range out {
		g.Go(func() error { return cl.customFields(gctx, r) })
	}
	return out, g.Wait()
}

// customFields adds custom_fields.<name> to r for each of the employee's
// custom fields. The docs read do not show the value's key: "value" is
// read, and a list (multi_select) is joined with ", ".
func (cl *Client) customFields(ctx context.Context, r hrishttp.Record) error {
	var env envelope
	u := cl.base + "/employees/" + url.PathEscape(r["id"]) + "/custom_fields?item_per_page=" + strconv.Itoa(MaxPage)
	if err := cl.get(ctx, u, &env); err != nil {
		return fmt.Errorf("employment hero: reading the custom fields of employee %s: %w", r["id"], err)
	}
	for _, f := range env.Data.Items {
		name, _ := f["name"].(string)
		flat := hrishttp.Flatten(map[string]any{"v": f["value"]})
		r["custom_fields."+name] = flat["v"]
	}
	return nil
}

func (cl *Client) get(ctx context.Context, u string, v any) error {
	resp, err := cl.c.Retry.Do(ctx, cl.http, cl.c.Credentials, func(ctx context.Context) (*http.Request, error) {
		if err := cl.c.Limiter.Wait(ctx); err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err == nil {
			req.Header.Set("Accept", "application/json")
		}
		return req, err
	})
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := hrishttp.Decode(resp.Body, v); err != nil {
		return fmt.Errorf("the answer is not the expected JSON: %w", err)
	}
	return nil
}
