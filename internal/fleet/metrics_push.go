package fleet

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/push"
	"github.com/prometheus/common/expfmt"
)

// pushJob is the Pushgateway job every organisation's group is under.
const pushJob = "parchment_sync"

// pushMetrics replaces each organisation's group on the Pushgateway at
// url (/metrics/job/parchment_sync/organization/NAME) with the metrics of
// its run, one PUT an organisation. The text format is sent, so what a
// gateway holds reads as the metrics file does. Every organisation is
// tried; the error names those that failed.
func pushMetrics(ctx context.Context, url string, orgs []orgMetrics, client *http.Client) error {
	var errs []error
	for _, o := range orgs {
		err := push.New(url, pushJob).
			Grouping("organization", o.Name).
			Gatherer(metricsRegistry([]orgMetrics{o}, false)).
			Client(client).
			Format(expfmt.NewFormat(expfmt.TypeTextPlain)).
			PushContext(ctx)
		if err != nil {
			errs = append(errs, fmt.Errorf("--pushgateway: organization %s: %w", o.Name, err))
		}
	}
	return errors.Join(errs...)
}
