package fleet

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"riverqueue.com/riverui"
)

// uiShutdownTimeout bounds closing the UI's open requests at stop.
const uiShutdownTimeout = 5 * time.Second

// serveUI serves River's web UI (jobs, queues, states; retry and cancel
// buttons) at addr until ctx ends or stop is called. Job rows hold only
// organisation names, so the UI shows no secret; a non-nil login is asked
// of every request (uiLoginFor decides when).
func serveUI(ctx context.Context, addr string, login *uiLogin, client *river.Client[pgx.Tx], logger *slog.Logger) (stop func(), err error) {
	handler, err := riverui.NewHandler(&riverui.HandlerOpts{
		Endpoints: riverui.NewEndpoints(client, nil),
		Logger:    logger.With("component", "riverui"),
	})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	uiCtx, cancel := context.WithCancel(ctx)
	if err := handler.Start(uiCtx); err != nil {
		cancel()
		ln.Close()
		return nil, err
	}
	var h http.Handler = handler
	if login != nil {
		h = requireLogin(handler, *login)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("River UI stopped", "error", err)
		}
	}()
	logger.Info("River UI serving", "url", "http://"+ln.Addr().String()+"/", "login", login != nil)
	return func() {
		sctx, scancel := context.WithTimeout(context.Background(), uiShutdownTimeout)
		defer scancel()
		_ = srv.Shutdown(sctx)
		cancel()
		<-done
	}, nil
}
