package fleet

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/parchment-sync/parchment-sync/internal/hris"
	"github.com/parchment-sync/parchment-sync/internal/hris/hrishttp"
	"github.com/parchment-sync/parchment-sync/internal/oauthfile"
)

// staffReader is an HR client that yields every employee flattened:
// Deputy's and Employment Hero HR's.
type staffReader interface {
	Read(ctx context.Context, yield func(hrishttp.Record) error) error
}

// newStaffReader builds a source's client when the run reads it, so a
// missing token or token file is found then, with the app's redactor.
type newStaffReader func(ctx context.Context) (staffReader, error)

// spoolAll reads every employee into spool.
func spoolAll(ctx context.Context, newClient newStaffReader, spool *hris.Spool) error {
	c, err := newClient(ctx)
	if err != nil {
		return err
	}
	err = c.Read(ctx, func(r hrishttp.Record) error { return spool.Write(hris.Record(r)) })
	if credentialsRefused(err) {
		return fmt.Errorf("%w; nothing was sent to Parchment", err)
	}
	return err
}

// credentialsRefused reports whether err is an HR system or its
// authorisation server rejecting the credentials, which stops the run
// as KeyPay's rejected key does.
func credentialsRefused(err error) bool {
	var auth *hris.AuthError
	var refused *hrishttp.Refused
	switch {
	case errors.As(err, &auth), errors.Is(err, oauthfile.ErrRefused):
		return true
	case errors.As(err, &refused):
		return refused.Status == http.StatusUnauthorized || refused.Status == http.StatusForbidden
	}
	return false
}

// wireHRIS gives the Deputy and Employment Hero HR sources their client
// constructors: from the organisation's config entry when o is not nil,
// from the flags and environment otherwise.
func (a *App) wireHRIS(s *Source, o *Org) {
	if o == nil {
		url := s.Deputy.URL
		s.Deputy.client = func(context.Context) (staffReader, error) { return a.deputyFromFlags(url) }
		return
	}
	org, urlFlag := *o, s.Deputy.URL
	if org.readsHR("deputy") {
		s.Deputy.config = &org
		s.Deputy.client = func(ctx context.Context) (staffReader, error) { return a.deputyClient(ctx, org, urlFlag, nil) }
	}
	if org.readsHR("employment_hero") {
		s.employmentHero.config = &org
		s.employmentHero.client = func(ctx context.Context) (staffReader, error) { return a.employmentHeroClient(ctx, org, nil) }
	}
}

// readsHR reports whether the organisation reads the HR system of block
// (deputy, employment_hero): it has a key under it, its own or from
// defaults, besides the OAuth client that defaults may share with
// organisations reading other sources.
func (o Org) readsHR(block string) bool {
	shared := []string{"oauth.client_id_env", "oauth.client_secret_env", "oauth.url"}
	for k := range o.values {
		if key, ok := strings.CutPrefix(k, block+"."); ok && !slices.Contains(shared, key) {
			return true
		}
	}
	return false
}
