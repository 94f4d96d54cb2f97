package cli

import (
	"context"
	"log/slog"

	"github.com/parchment-sync/parchment-sync/internal/redact"
)

// redactingHandler removes every secret the process holds from log lines
// before they are written: a last guard behind the cleaning of server and
// database text where it enters. It applies Secrets only, so request ids
// and the project's own words stay whole.
type redactingHandler struct {
	inner slog.Handler
	r     *redact.Redactor
}

func (a *app) cleanLogs(l *slog.Logger, err error) (*slog.Logger, error) {
	if err != nil {
		return nil, err
	}
	return slog.New(&redactingHandler{inner: l.Handler(), r: a.redactor}), nil
}

func (h *redactingHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

func (h *redactingHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.Secrets(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.inner.Handle(ctx, out)
}

func (h *redactingHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, 0, len(attrs))
	for _, a := range attrs {
		clean = append(clean, h.attr(a))
	}
	return &redactingHandler{inner: h.inner.WithAttrs(clean), r: h.r}
}

func (h *redactingHandler) WithGroup(name string) slog.Handler {
	return &redactingHandler{inner: h.inner.WithGroup(name), r: h.r}
}

func (h *redactingHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.r.Secrets(v.String()))
	case slog.KindGroup:
		group := v.Group()
		clean := make([]any, 0, len(group))
		for _, g := range group {
			clean = append(clean, h.attr(g))
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, h.r.Secrets(err.Error()))
		}
	}
	return a
}
