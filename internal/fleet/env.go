package fleet

// Environment variables. Secrets are read only from here, never from flags,
// so they stay out of shell history and process listings.
const (
	EnvAPIURL             = "PARCHMENT_API_URL"
	EnvOrganizationID     = "PARCHMENT_ORGANIZATION_ID"
	EnvLedgerURL          = "PARCHMENT_LEDGER_URL"
	EnvDatabaseURL        = "DATABASE_URL"
	EnvToken              = "PARCHMENT_TOKEN"
	EnvPartnerID          = "PARCHMENT_PARTNER_ID"
	EnvPartnerSecret      = "PARCHMENT_PARTNER_SECRET"
	EnvUserID             = "PARCHMENT_USER_ID"
	EnvOrganizationSecret = "PARCHMENT_ORGANIZATION_SECRET"
	EnvUIUsername         = "PARCHMENT_UI_USERNAME" // worker --ui's login
	EnvUIPassword         = "PARCHMENT_UI_PASSWORD"
)

func firstSet(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
