package hris

import "fmt"

// AuthError is an HR system refusing the credentials (401 or 403). The
// run stops before anything is sent to Parchment.
type AuthError struct {
	System     string // "Employment Hero Payroll"
	Credential string // where the credential came from: a variable or file
	Status     int
}

func (e *AuthError) Error() string {
	return fmt.Sprintf("%s refused the credentials in %s (HTTP %d): check that it holds a current key with access to the business, then run again; nothing was sent to Parchment", e.System, e.Credential, e.Status)
}

// StatusError is an answer the source cannot use, after any retries.
type StatusError struct {
	System string
	URL    string // without credentials or query
	Status int
	Body   string // the start of the answer, for the operator
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s answered HTTP %d to GET %s", e.System, e.Status, e.URL)
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}
