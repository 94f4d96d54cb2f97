package cli

// Environment variables. Secrets are read only from here, never from flags,
// so they stay out of shell history and process listings.
const (
	envAPIURL             = "PARCHMENT_API_URL"
	envOrganizationID     = "PARCHMENT_ORGANIZATION_ID"
	envLedgerURL          = "PARCHMENT_LEDGER_URL"
	envDatabaseURL        = "DATABASE_URL"
	envToken              = "PARCHMENT_TOKEN"
	envPartnerID          = "PARCHMENT_PARTNER_ID"
	envPartnerSecret      = "PARCHMENT_PARTNER_SECRET"
	envUserID             = "PARCHMENT_USER_ID"
	envOrganizationSecret = "PARCHMENT_ORGANIZATION_SECRET"
	envUIUsername         = "PARCHMENT_UI_USERNAME" // worker --ui's login
	envUIPassword         = "PARCHMENT_UI_PASSWORD"
)

func firstSet(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
