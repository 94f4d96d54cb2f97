// Package redact cleans text that came from a server or a database before
// it reaches a log, a report, the ledger or a CSV file: such text may echo
// the request that caused it, credentials and personal details included.
package redact

import (
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
)

// Mask replaces whatever is removed.
const Mask = "[redacted]"

// Redactor removes the secret values registered with it, credentials
// wherever they are labelled as such, and (String only) personal details.
// One is made per invocation and handed to everything that reports server
// or database text. It is safe for concurrent use; a nil Redactor knows no
// secret values but still applies the patterns.
type Redactor struct {
	mu       sync.RWMutex
	secrets  []string
	replacer *strings.Replacer
}

// New returns a Redactor knowing secrets.
func New(secrets ...string) *Redactor {
	r := &Redactor{}
	r.Add(secrets...)
	return r
}

// Add registers secret values: tokens, organisation and partner secrets,
// passwords. Empty ones are ignored. Their URL-escaped forms are removed
// too, since an echoed request line or connection string carries them so.
func (r *Redactor) Add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	changed := false
	for _, s := range secrets {
		for _, form := range []string{s, url.QueryEscape(s), url.PathEscape(s)} {
			if form != "" && !slices.Contains(r.secrets, form) {
				r.secrets = append(r.secrets, form)
				changed = true
			}
		}
	}
	if !changed {
		return
	}
	// Longest first, so a secret containing another is removed whole.
	slices.SortFunc(r.secrets, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(r.secrets))
	for _, s := range r.secrets {
		pairs = append(pairs, s, Mask)
	}
	r.replacer = strings.NewReplacer(pairs...)
}

// dsnPassword finds the password of a key=value connection string.
var dsnPassword = regexp.MustCompile(`(?i)\bpassword\s*=\s*('(?:[^'\\]|\\.)*'|\S+)`)

// AddURL registers the password of a database URL (postgres://u:p@h/db)
// or key=value connection string, if it holds one.
func (r *Redactor) AddURL(raw string) {
	if u, err := url.Parse(raw); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok {
			r.Add(pw)
		}
		return
	}
	for _, m := range dsnPassword.FindAllStringSubmatch(raw, -1) {
		r.Add(strings.Trim(m[1], "'"))
	}
}

// Secrets removes the registered secret values and labelled credentials
// (a Bearer token, an x-organization-secret header, a URL's password). It
// leaves everything else alone, so it is safe on the project's own
// messages, request ids included.
func (r *Redactor) Secrets(s string) string {
	if r != nil {
		r.mu.RLock()
		if r.replacer != nil {
			s = r.replacer.Replace(s)
		}
		r.mu.RUnlock()
	}
	return credentials(s)
}

// String is Secrets, then Personal: for text written by a server or a
// database, never for the project's own words.
func (r *Redactor) String(s string) string {
	return Personal(r.Secrets(s))
}

// Err returns err with its message cleaned by String. errors.Is and As
// still see the original chain; nil stays nil.
func (r *Redactor) Err(err error) error { return r.wrap(err, r.String) }

// SecretsErr is Err cleaning by Secrets only: for errors of stores that
// hold no personal details, whose paths and numbers should stay readable.
func (r *Redactor) SecretsErr(err error) error { return r.wrap(err, r.Secrets) }

func (r *Redactor) wrap(err error, clean func(string) string) error {
	if err == nil {
		return nil
	}
	if already, ok := err.(*cleaned); ok {
		return already
	}
	return &cleaned{msg: clean(err.Error()), err: err}
}

type cleaned struct {
	msg string
	err error
}

func (e *cleaned) Error() string { return e.msg }
func (e *cleaned) Unwrap() error { return e.err }
