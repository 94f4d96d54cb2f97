// Package keypay reads staff from Employment Hero Payroll (KeyPay): the
// business's unstructured employee list, terminated staff included, and
// optionally each employee's qualifications, where clinics keep AHPRA and
// prescriber numbers.
package keypay

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/sourcegraph/conc/pool"

	"github.com/parchment-sync/parchment-sync/internal/hris"
)

const (
	// System names the source in messages.
	System = "Employment Hero Payroll"
	// DefaultURL is the API's host for Australian businesses; white-label
	// hosts serve the same API.
	DefaultURL = "https://api.yourpayroll.com.au"
	// PageSize is the most employees one call returns ($top at most 100).
	PageSize = 100
	// DefaultConcurrency is how many calls are in flight at once. The
	// vendor publishes no rate limits; 429s are retried.
	DefaultConcurrency = 8
	// QualificationPrefix starts the fields made from qualifications:
	// qualification.<name>.referenceNumber and .expiryDate.
	QualificationPrefix = "qualification."
)

// Config says which business to read and how.
type Config struct {
	BaseURL    string // DefaultURL when empty
	BusinessID string
	APIKey     string
	// Credential names where the key came from, for messages.
	Credential     string
	Qualifications bool
	Concurrency    int
	HTTP           *http.Client
	Logger         *slog.Logger
}

// MayLack reports the fields no employee need carry: one qualification
// may be held by nobody yet.
func MayLack(field string) bool { return strings.HasPrefix(field, QualificationPrefix) }

// Read writes every employee of the business to spool, each flattened,
// asking only for fields (the mapping's columns; a dotted one asks for
// its first part).
func Read(ctx context.Context, cfg Config, fields []string, spool *hris.Spool) error {
	base, err := listURL(cfg, fields)
	if err != nil {
		return err
	}
	caller := &hris.Caller{
		System: System, Credential: cfg.Credential, HTTP: cfg.HTTP, Logger: cfg.Logger,
		Authorize: func(r *http.Request) { r.SetBasicAuth(cfg.APIKey, "") },
	}
	conc := cfg.Concurrency
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	fetch := func(ctx context.Context, skip int) ([]hris.Record, error) {
		body, err := caller.Get(ctx, base+"&$skip="+strconv.Itoa(skip))
		if err != nil {
			return nil, err
		}
		objs, err := hris.DecodeObjects(body)
		if err != nil {
			return nil, fmt.Errorf("%s: the employee list is not a JSON array of employees: %w", System, err)
		}
		recs := make([]hris.Record, len(objs))
		for i, o := range objs {
			recs[i] = hris.Flatten(o)
		}
		if cfg.Qualifications {
			err = addQualifications(ctx, caller, cfg, conc, recs)
		}
		return recs, err
	}
	return hris.Pages(ctx, PageSize, conc, fetch, func(recs []hris.Record) error {
		for _, r := range recs {
			if err := spool.Write(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// listURL is the employee list's address with $top and $select; the
// caller appends $skip.
func listURL(cfg Config, fields []string) (string, error) {
	base := cfg.BaseURL
	if base == "" {
		base = DefaultURL
	}
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("the %s URL %q is not an http(s) address such as %s", System, base, DefaultURL)
	}
	if _, err := strconv.Atoi(cfg.BusinessID); err != nil {
		return "", fmt.Errorf("the %s business id must be a number (it is in the app's address), not %q", System, cfg.BusinessID)
	}
	u.Path += "/api/v2/business/" + cfg.BusinessID + "/employee/unstructured"
	q := url.Values{"$top": {strconv.Itoa(PageSize)}, "$select": {strings.Join(selected(fields), ",")}}
	return u.String() + "?" + q.Encode(), nil
}

// selected is $select: each field's top-level property, once, and id,
// which qualifications are read by.
func selected(fields []string) []string {
	out := []string{"id"}
	for _, f := range fields {
		if MayLack(f) {
			continue
		}
		top, _, _ := strings.Cut(f, ".")
		if top != "" && !slices.Contains(out, top) {
			out = append(out, top)
		}
	}
	return out
}

// addQualifications reads each employee's qualifications, conc at a time,
// into qualification.<name>.referenceNumber and .expiryDate.
func addQualifications(ctx context.Context, caller *hris.Caller, cfg Config, conc int, recs []hris.Record) error {
	base := strings.TrimRight(cfg.BaseURL, "/")
	if base == "" {
		base = DefaultURL
	}
	p := pool.New().WithContext(ctx).WithCancelOnError().WithFirstError().WithMaxGoroutines(conc)
	for _, rec := range recs {
		id := rec["id"]
		if id == "" {
			continue
		}
		p.Go(func(ctx context.Context) error {
			body, err := caller.Get(ctx, base+"/api/v2/business/"+url.PathEscape(cfg.BusinessID)+"/employee/"+url.PathEscape(id)+"/qualification")
			if err != nil {
				return err
			}
			quals, err := hris.DecodeObjects(body)
			if err != nil {
				return fmt.Errorf("%s: the qualifications of employee %s are not a JSON array: %w", System, id, err)
			}
			for _, q := range quals {
				flat := hris.Flatten(q)
				if name := flat["name"]; name != "" {
					rec[QualificationPrefix+name+".referenceNumber"] = flat["referenceNumber"]
					rec[QualificationPrefix+name+".expiryDate"] = flat["expiryDate"]
				}
			}
			return nil
		})
	}
	return p.Wait()
}
