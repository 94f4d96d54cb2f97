package fleet

import (
	"context"
	"log/slog"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// probeAPI asks the base URL, without credentials, whether Parchment's API
// is there, with one attempt: a wrong URL is reported at once, naming the
// URL's setting, and never as a credential problem. ok is false when the
// URL does not answer as the API.
func (a *App) probeAPI(ctx context.Context, j Job, logger *slog.Logger) (CheckLine, bool) {
	cfg := a.parchmentConfig(j, logger)
	cfg.MaxAttempts = 1
	client, err := parchment.New(cfg)
	if err == nil {
		err = client.Probe(ctx)
	}
	if err != nil {
		return parchmentFailure("api", j, err), false
	}
	return CheckLine{Check: "api", Status: "ok", Detail: "Parchment's API answers at the base URL"}, true
}

// parchmentFailure is a failed check line whose fix names what to check
// for the kind of failure.
func parchmentFailure(check string, j Job, err error) CheckLine {
	return CheckLine{Check: check, Status: "fail", Detail: err.Error(), Fix: parchmentFix(j, parchment.Kind(err)), severity: Aborted}
}

// parchmentFix says what to check for a kind of failure, naming the flag
// or variable (or the config file's line) that sets it.
func parchmentFix(j Job, kind parchment.ErrorKind) string {
	url := j.where("api_url")
	s := j.secrets
	switch kind {
	case parchment.KindNetwork:
		return "nothing answered: check the host and port in " + url + ", and that this machine may reach it (proxy, firewall)"
	case parchment.KindURL:
		return "something answered, but not Parchment's API: check " + url + "; the base URL includes the path prefix, e.g. https://api.parchmenthealth.io/external"
	case parchment.KindTLS:
		return "check the scheme in " + url + " (https for Parchment, http only for a local stand-in) and that this machine trusts the server's certificate (SSL_CERT_FILE)"
	case parchment.KindCredentials:
		return "Parchment refused the credentials: check " + s.token + ", or " + s.partnerID + ", " + s.partnerSecret + " and " + s.userID +
			"; and " + s.organizationSecret + " and the organisation id (" + j.where("organization_id") + ")"
	case parchment.KindScope:
		return "the token may not make this call: ask Parchment to grant the scope named"
	}
	return "Parchment did not complete the call: run check again later"
}
