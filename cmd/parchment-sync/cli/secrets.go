package cli

import "errors"

// registerSecrets tells the redactor every secret job reads: the values of
// its secret variables and its databases' passwords, so that none of them
// can come back in a server's or a database's error text.
func (a *app) registerSecrets(j job) {
	s := j.secrets
	for _, name := range []string{s.organizationSecret, s.token, s.partnerSecret} {
		a.redactor.Add(a.getenv(name))
	}
	a.redactor.AddURL(j.ledgerURL)
	a.redactor.AddURL(j.source.db)
}

// cleanErr cleans a database's error text the way a server's is, keeping
// the exit code it carries.
func (a *app) cleanErr(err error) error {
	var ce *codeError
	if errors.As(err, &ce) {
		return withCode(ce.code, a.redactor.Err(ce.err))
	}
	return a.redactor.Err(err)
}
