package cli

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/parchment-sync/parchment-sync/internal/sandbox"
	"github.com/spf13/pflag"
)

type hrisFlags struct {
	name         string
	seed         string
	addr         string
	latency      time.Duration
	tooManyEvery int
}

func (h *hrisFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&h.name, "hris", "", "also serve an HR system's stand-in: "+strings.Join(slices.Sorted(maps.Keys(sandbox.HRStandIns())), ", "))
	fs.StringVar(&h.seed, "hris-seed", "", "canonical roster CSV the HR stand-in's staff are made from (required with --hris; end_date makes a leaver)")
	fs.StringVar(&h.addr, "hris-addr", "127.0.0.1:0", "listen address of the HR stand-in")
	fs.DurationVar(&h.latency, "hris-latency", 0, "delay added to every HR stand-in answer")
	fs.IntVar(&h.tooManyEvery, "hris-429-every", 0, "answer every nth HR employee-list call 429 with Retry-After: 1 (0: never)")
}

// startHRIS serves the chosen HR stand-in until ctx ends and prints its
// base URL; it does nothing without --hris.
func (a *app) startHRIS(ctx context.Context, h *hrisFlags, logger *slog.Logger) error {
	if h.name == "" {
		return nil
	}
	s, ok := sandbox.HRStandIns()[h.name]
	switch {
	case !ok:
		return usageErr("--hris must be one of %s, not %q", strings.Join(slices.Sorted(maps.Keys(sandbox.HRStandIns())), ", "), h.name)
	case h.seed == "":
		return usageErr("--hris needs --hris-seed, a canonical roster CSV such as samples/roster.csv")
	case h.latency < 0 || h.tooManyEvery < 0:
		return usageErr("--hris-latency and --hris-429-every must not be negative")
	}
	seed, err := os.Open(h.seed)
	if err != nil {
		return usageErr("--hris-seed: %v", err)
	}
	defer seed.Close()
	handler, hint, err := s.Serve(seed, sandbox.HROptions{Latency: h.latency, TooManyEvery: h.tooManyEvery}, a.getenv, logger)
	if err != nil {
		return usageErr("--hris-seed %s: %v", h.seed, err)
	}
	ln, err := net.Listen("tcp", h.addr)
	if err != nil {
		return usageErr("listen on %s: %v", h.addr, err)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	context.AfterFunc(ctx, func() { _ = srv.Close() })
	base := "http://" + ln.Addr().String()
	// Scripts parse "base URL http://…" from this line: keep its wording.
	fmt.Fprintf(a.stdout, "%s listening; base URL %s\n%s\n", s.Title, base, hint(base))
	return nil
}
