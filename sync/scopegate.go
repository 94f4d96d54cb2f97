package sync

import (
	"context"
	"fmt"
	"log/slog"
	gosync "sync"

	"github.com/parchment-sync/parchment-sync/parchment"
)

// scopeGate stops, for the rest of a run, each kind of call the
// organisation's token does not allow: learnt from the granted scopes
// before anything is sent, or from Parchment's first refusal. Other kinds
// go on.
type scopeGate struct {
	log *slog.Logger

	// mu guards what the gate knows: denied, known and firsts.
	mu     gosync.Mutex
	denied map[stepKind]string
	// known is set when the token answer listed the granted scopes; until
	// then firsts holds back each kind behind its first call.
	known  bool
	firsts map[stepKind]chan struct{}
}

func newScopeGate(log *slog.Logger) *scopeGate {
	return &scopeGate{log: log, denied: map[stepKind]string{}, firsts: map[stepKind]chan struct{}{}}
}

// call sends one call of kind k: not at all when the kind is refused
// already, and a scope refusal stops the kind. While the scopes are
// unknown, the first call of a kind goes alone, so a refusal stops the
// kind before the others are sent.
func (g *scopeGate) call(ctx context.Context, k stepKind, send func() error) error {
	release := g.first(ctx, k)
	defer release()
	if reason := g.reason(k); reason != "" {
		return deniedError{msg: reason + ": not sent"}
	}
	err := send()
	if err != nil && parchment.IsDenied(err) {
		return g.deny(k, err)
	}
	return err
}

func (g *scopeGate) first(ctx context.Context, k stepKind) (release func()) {
	g.mu.Lock()
	if g.known {
		g.mu.Unlock()
		return func() {}
	}
	ch, seen := g.firsts[k]
	if !seen {
		ch = make(chan struct{})
		g.firsts[k] = ch
		g.mu.Unlock()
		return gosync.OnceFunc(func() { close(ch) })
	}
	g.mu.Unlock()
	select {
	case <-ch:
	case <-ctx.Done():
	}
	return func() {}
}

// deny stops kind k after Parchment refused one call of it, and returns
// the failure to report for that call.
func (g *scopeGate) deny(k stepKind, err error) error {
	scope := scopeOf(k)
	if pe, ok := parchment.AsError(err); ok {
		if named := pe.Scopes(); len(named) > 0 {
			scope = named[0]
		}
	}
	reason := deniedMessage(k, scope)
	if g.stop(k, reason) {
		g.log.Warn("Parchment refused a kind of call for this organisation; no more are sent this run", "kind", k, "scope", scope)
	}
	return deniedError{msg: reason + " (no more are sent this run)", cause: err}
}

// stop records why kind k is refused; it reports whether it was the first
// refusal of the kind.
func (g *scopeGate) stop(k stepKind, reason string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.denied[k] != "" {
		return false
	}
	g.denied[k] = reason
	return true
}

func (g *scopeGate) reason(k stepKind) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.denied[k]
}

// learn stops the kinds that scopes, the granted ones, do not allow, and
// returns one warning per kind. An answer that lists no scope at all says
// nothing: the kinds are then learnt from refusals. The kinds are stopped
// before the scopes count as known, in one step, so no call of a kind
// refused here can pass the gate.
func (g *scopeGate) learn(scopes []string) []string {
	if len(scopes) == 0 {
		return nil
	}
	granted := map[string]bool{}
	for _, s := range scopes {
		granted[s] = true
	}
	var refused []stepKind
	for _, k := range allKinds() {
		if !allowedBy(k, granted) {
			refused = append(refused, k)
		}
	}
	g.mu.Lock()
	for _, k := range refused {
		if g.denied[k] == "" {
			g.denied[k] = deniedMessage(k, scopeOf(k))
		}
	}
	g.known = true
	g.mu.Unlock()
	warnings := make([]string, 0, len(refused))
	for _, k := range refused {
		warnings = append(warnings, deniedMessage(k, scopeOf(k)))
		g.log.Warn("the organisation's token lacks a scope: these calls will not be sent", "kind", k, "scope", scopeOf(k))
	}
	return warnings
}

func deniedMessage(k stepKind, scope string) string {
	return fmt.Sprintf("Parchment does not allow %s calls for this organisation (missing scope %s); ask Parchment to grant it", k, scope)
}

// deniedError is a refused kind of call, explained.
type deniedError struct {
	msg   string
	cause error
}

func (e deniedError) Error() string { return e.msg }
func (e deniedError) Unwrap() error { return e.cause }

// check learns the granted scopes before anything is sent, when api can
// tell, and stops the kinds of call they do not allow. It returns one
// warning per kind.
func (g *scopeGate) check(ctx context.Context, api API) ([]string, error) {
	src, ok := api.(scopeSource)
	if !ok {
		return nil, nil
	}
	scopes, known, err := src.GrantedScopes(ctx)
	if err != nil || !known {
		return nil, err
	}
	return g.learn(scopes), nil
}
