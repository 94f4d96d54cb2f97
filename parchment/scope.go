package parchment

import (
	"regexp"
	"slices"
	"strings"
)

// scopeWords are what a refusal's title, type or detail says when the
// token lacks a scope: the read pages answer 401 "Insufficient scope",
// others 403 "Insufficient permissions" or "requires the '…' scope".
var scopeWords = regexp.MustCompile(`(?i)scope|permission`)

// scopeName finds scope names such as 'read:users' in a refusal's text.
var scopeName = regexp.MustCompile(`\b[a-z_]+:[a-z_]+\b`)

// ScopeRefusal reports whether the error is Parchment refusing the call
// for a scope the token lacks. It is recognised by its body, since the
// pages answer it as 401 as well as 403: never a bad token.
func (e *Error) ScopeRefusal() bool {
	if e.Status != 401 && e.Status != 403 {
		return false
	}
	return scopeWords.MatchString(e.Title) || scopeWords.MatchString(e.Type) || scopeWords.MatchString(e.Detail)
}

// Scopes returns the scope names the refusal's text mentions, in order,
// without repeats: the scope a refused call needed, or the scopes a
// refused token request may not ask for.
func (e *Error) Scopes() []string {
	var out []string
	texts := []string{e.Title, e.Detail}
	for _, v := range e.Validation {
		texts = append(texts, v.Message)
	}
	for _, t := range texts {
		for _, s := range scopeName.FindAllString(t, -1) {
			if !slices.Contains(out, s) && !strings.HasPrefix(s, "http") {
				out = append(out, s)
			}
		}
	}
	return out
}
