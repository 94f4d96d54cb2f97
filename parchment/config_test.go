package parchment_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment"
)

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		edit func(*parchment.Config)
		want string // empty: accepted
	}{
		{"https", func(c *parchment.Config) { c.BaseURL = "https://api.sandbox.parchmenthealth.io/external/" }, ""},
		{"loopback v4", func(c *parchment.Config) { c.BaseURL = "http://127.0.0.2:8080/external" }, ""},
		{"loopback v6", func(c *parchment.Config) { c.BaseURL = "http://[::1]:8080/external" }, ""},
		{"localhost", func(c *parchment.Config) { c.BaseURL = "http://localhost:8080/external" }, ""},
		{"static token", func(c *parchment.Config) { c.PartnerID, c.PartnerSecret, c.UserID, c.Token = "", "", "", "t" }, ""},
		{"plain http elsewhere", func(c *parchment.Config) { c.BaseURL = "http://api.parchmenthealth.io/external" }, "must use https"},
		{"plain http on a LAN address", func(c *parchment.Config) { c.BaseURL = "http://10.0.0.1/external" }, "must use https"},
		{"localhost lookalike", func(c *parchment.Config) { c.BaseURL = "http://localhost.example.com/external" }, "must use https"},
		{"other scheme", func(c *parchment.Config) { c.BaseURL = "ftp://example.com" }, "must use https"},
		{"no base URL", func(c *parchment.Config) { c.BaseURL = "" }, "BaseURL: is required"},
		{"user info", func(c *parchment.Config) { c.BaseURL = "https://me:pw@example.com" }, "user information"},
		{"query", func(c *parchment.Config) { c.BaseURL = "https://example.com/external?x=1" }, "query"},
		{"no organisation", func(c *parchment.Config) { c.OrganizationID = "" }, "OrganizationID is required"},
		{"no secret", func(c *parchment.Config) { c.OrganizationSecret = "" }, "OrganizationSecret is required"},
		{"no credentials", func(c *parchment.Config) { c.PartnerID, c.PartnerSecret, c.UserID = "", "", "" }, "Token or PartnerID"},
		{"both credentials", func(c *parchment.Config) { c.Token = "t" }, "not both"},
		{"partial partner", func(c *parchment.Config) { c.UserID = "" }, "must all be set"},
		{"negative rate", func(c *parchment.Config) { c.Rate = -2 }, "Rate"},
		{"auto rate", func(c *parchment.Config) { c.Rate = parchment.RateAuto }, ""},
		{"negative burst", func(c *parchment.Config) { c.Burst = -1 }, "Burst"},
		{"negative attempts", func(c *parchment.Config) { c.MaxAttempts = -1 }, "MaxAttempts"},
		{"backoff bounds", func(c *parchment.Config) { c.MinBackoff, c.MaxBackoff = 0, 100 }, "MinBackoff"},
		{"empty scope", func(c *parchment.Config) { c.Scopes = []string{""} }, "empty scope"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := config("https://api.sandbox.parchmenthealth.io/external")
			tc.edit(&cfg)
			c, err := parchment.New(cfg)
			if tc.want == "" {
				require.NoError(t, err)
				require.Equal(t, "org_1", c.OrganizationID())
				return
			}
			require.ErrorContains(t, err, tc.want)
			require.NotContains(t, err.Error(), "pw", "no secret is echoed")
		})
	}
}

func TestNewReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := parchment.New(parchment.Config{BaseURL: "http://example.com"})
	require.ErrorContains(t, err, "must use https")
	require.ErrorContains(t, err, "OrganizationID is required")
	require.ErrorContains(t, err, "OrganizationSecret is required")
	require.ErrorContains(t, err, "Token or PartnerID")
}
