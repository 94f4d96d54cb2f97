package parchment_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/parchment"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

// probeKind probes base with one attempt and classifies the outcome; ""
// when the probe found the API.
func probeKind(t *testing.T, base string) parchment.ErrorKind {
	t.Helper()
	cfg := config(base)
	cfg.MaxAttempts = 1
	err := newClient(t, cfg).Probe(context.Background())
	if err == nil {
		return ""
	}
	kind := parchment.Kind(err)
	require.NotEmpty(t, kind, err.Error())
	return kind
}

func TestProbeTellsNetworkURLAndTLSApart(t *testing.T) {
	t.Parallel()
	standIn := parchmenttest.Start(t, parchmenttest.Config{})
	require.Empty(t, probeKind(t, standIn.URL), "the API's own 401 proves the URL")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + ln.Addr().String() + "/external"
	require.NoError(t, ln.Close())
	require.Equal(t, parchment.KindNetwork, probeKind(t, closed))

	withoutPrefix := strings.TrimSuffix(standIn.URL, parchmenttest.PathPrefix)
	require.Equal(t, parchment.KindURL, probeKind(t, withoutPrefix))

	gateway := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "<html>Forbidden</html>", http.StatusForbidden)
	}))
	t.Cleanup(gateway.Close)
	require.Equal(t, parchment.KindURL, probeKind(t, gateway.URL+"/external"), "a 403 that is not the API's is the URL's")

	require.Equal(t, parchment.KindTLS, probeKind(t, strings.Replace(standIn.URL, "http://", "https://", 1)))
}

func TestKindOfRefusedCredentials(t *testing.T) {
	t.Parallel()
	_, client := standIn(t, parchmenttest.Config{}, nil, func(c *parchment.Config) { c.PartnerSecret = "wrong-partner-secret" })
	_, _, err := client.GrantedScopes(context.Background())
	require.Error(t, err)
	require.Equal(t, parchment.KindCredentials, parchment.Kind(err))
	require.NotContains(t, err.Error(), "token (token)")
}
