// Package deputy reads employees from Deputy's Resource API: every
// employee, archived ones included, with the contact and custom-field
// objects joined, each flattened to dotted keys.
package deputy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"golang.org/x/oauth2"
	"golang.org/x/sync/errgroup"

	"github.com/parchment-sync/parchment-sync/internal/hris/hrishttp"
)

// MaxPage is Deputy's limit of records per response.
const MaxPage = 500

// Config says where and how to read.
type Config struct {
	// URL is the install's, https://{install}.{geo}.deputy.com.
	URL string
	// Token authorises each request: oauth2.StaticTokenSource for a
	// permanent token, an oauthfile.Source for OAuth.
	Token oauth2.TokenSource
	// Credentials names what to fix when Deputy refuses the token: the
	// variable, or the token file.
	Credentials string
	// HTTPClient sends the requests; nil is http.DefaultClient.
	HTTPClient *http.Client
	// PageSize is records per request, at most (and by default) 500.
	PageSize int
	// Concurrency bounds pages in flight after the first; 0 is 4.
	Concurrency int
	Retry       hrishttp.Retry
}

// Client reads employees.
type Client struct {
	c    Config
	http *http.Client
}

// New returns a client for c.
func New(c Config) *Client {
	if c.PageSize <= 0 || c.PageSize > MaxPage {
		c.PageSize = MaxPage
	}
	if c.Concurrency <= 0 {
		c.Concurrency = 4
	}
	base := c.HTTPClient
	if base == nil {
		base = http.DefaultClient
	}
	hc := *base
	hc.Transport = &oauth2.Transport{Source: c.Token, Base: base.Transport}
	return &Client{c: c, http: &hc}
}

// joins are the objects each employee is read with.
var joins = []string{"ContactObject", "CustomFieldDataObject"}

// Read calls yield with every employee, in Id order, as a record of
// dotted keys: FirstName, ContactObject.Email, ContactObject.Email1,
// CustomFieldDataObject.<ApiName>, …. Deputy gives no total, so pages are
// read until a short one; after a full first page the next ones are read
// Concurrency at a time.
func (cl *Client) Read(ctx context.Context, yield func(hrishttp.Record) error) error {
	first, err := cl.page(ctx, 0)
	if err != nil {
		return err
	}
	if err := each(first, yield); err != nil || len(first) < cl.c.PageSize {
		return err
	}
	for start := cl.c.PageSize; ; start += cl.c.PageSize * cl.c.Concurrency {
		pages := make([][]hrishttp.Record, cl.c.Concurrency)
		g, gctx := errgroup.WithContext(ctx)
		for i := range pages {
			g.Go(func() (err error) {
				pages[i], err = cl.page(gctx, start+i*cl.c.PageSize)
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		for _, p := range pages {
			if err := each(p, yield); err != nil || len(p) < cl.c.PageSize {
				return err
			}
		}
	}
}

func each(page []hrishttp.Record, yield func(hrishttp.Record) error) error {
	for _, r := range page {
		if err := yield(r); err != nil {
			return err
		}
	}
	return nil
}

func (cl *Client) page(ctx context.Context, start int) ([]hrishttp.Record, error) {
	// No search: archived staff come too, and a leaver is one with
	// Active false or a TerminationDate.
	body, err := json.Marshal(map[string]any{
		"sort": map[string]string{"Id": "asc"}, "join": joins, "start": start, "max": cl.c.PageSize,
	})
	if err != nil {
		return nil, err
	}
	url := strings.TrimRight(cl.c.URL, "/") + "/api/v1/resource/Employee/QUERY"
	resp, err := cl.c.Retry.Do(ctx, cl.http, cl.c.Credentials, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Accept", "application/json")
			req.Header.Set("dp-meta-option", "none") // no _DPMetaData in each record
		}
		return req, err
	})
	if err != nil {
		return nil, fmt.Errorf("deputy: reading employees from %d: %w", start, err)
	}
	defer resp.Body.Close()
	var rows []map[string]any
	if err := hrishttp.Decode(resp.Body, &rows); err != nil {
		return nil, fmt.Errorf("deputy: employees from %d: the answer is not a JSON list: %w", start, err)
	}
	out := make([]hrishttp.Record, len(rows))
	for i, r := range rows {
		out[i] = hrishttp.Flatten(r, "_DPMetaData")
	}
	return out, nil
}
