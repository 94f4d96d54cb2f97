package fleet

import "errors"

// registerSecrets tells the redactor every secret job reads: the values of
// its secret variables and its databases' passwords, so that none of them
// can come back in a server's or a database's error text.
func (a *App) registerSecrets(j Job) {
	s := j.secrets
	for _, name := range []string{s.organizationSecret, s.token, s.partnerSecret} {
		a.Redactor.Add(a.Getenv(name))
	}
	a.Redactor.AddURL(j.LedgerURL)
	a.Redactor.AddURL(j.Source.DB)
}

// cleanErr cleans a database's error text the way a server's is, keeping
// the severity it carries.
func (a *App) cleanErr(err error) error {
	var e *Error
	if errors.As(err, &e) {
		return Fail(e.Severity, a.Redactor.Err(e.Err))
	}
	return a.Redactor.Err(err)
}
