package parchment

import redactText "github.com/parchment-sync/parchment-sync/internal/redact"

// redact masks personal details in server-written text when an Error is
// printed: a defence for Errors built without passing through scrub.
func redact(s string) string { return redactText.Personal(s) }

// scrub cleans everything the server wrote into e, and what a failed
// exchange's cause says, before e reaches an Attempt, a log or the caller:
// the registered secrets go, and personal details are masked. The request
// id is kept whole. The project's own messages are added after it.
func (c *Client) scrub(e *Error) {
	r := c.cfg.Redactor
	e.Code, e.Type, e.Title, e.Detail = r.String(e.Code), r.String(e.Type), r.String(e.Title), r.String(e.Detail)
	for i := range e.Validation {
		v := &e.Validation[i]
		v.Field, v.Message, v.Code = r.String(v.Field), r.String(v.Message), r.String(v.Code)
	}
	e.Err = r.Err(e.Err)
}
