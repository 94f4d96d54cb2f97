package cli

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/parchment-sync/parchment-sync/internal/sandbox"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

func TestSandboxServesDeputy(t *testing.T) {
	t.Parallel()
	_, out := startSandboxOut(t, "--hris", "deputy", "--hris-seed", sampleMapping("roster.csv"))
	base := standInBase(t, out, out, "Deputy stand-in")
	require.Contains(t, out.String(), "--deputy-url "+base)
	require.Contains(t, out.String(), fmt.Sprintf("%q", sandbox.DeputyToken), "the rehearsal token is shown")

	// The printed flags read it.
	f := &fixture{t: t}
	res := f.runWith(map[string]string{fleet.EnvDeputyToken: sandbox.DeputyToken, "TMPDIR": t.TempDir()},
		"validate", "--output", "json", "--deputy-url", base, "--mapping", sampleMapping("deputy-api.yaml"))
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Contains(t, res.stdout, `"rows": 12`)
}

func TestSandboxServesEmploymentHero(t *testing.T) {
	t.Parallel()
	parchment, out := startSandboxOut(t, "--hris", "employment-hero", "--hris-seed", sampleMapping("roster.csv"))
	base := standInBase(t, out, out, "Employment Hero HR stand-in")
	require.Contains(t, out.String(), "parchment-sync connect employment-hero --config FILE --org NAME")

	// The printed block, as printed, with the sample's path made absolute.
	block := out.String()[strings.Index(out.String(), "    mapping:"):]
	block = block[:strings.Index(block, "then,")]
	mappingPath, err := filepath.Abs(sampleMapping("employment-hero-api.yaml"))
	require.NoError(t, err)
	block = strings.Replace(block, "samples/employment-hero-api.yaml", mappingPath, 1)
	require.Contains(t, block, "url: "+base)
	config := writeConfig(t, "organizations:\n  - name: north\n    organization_id: org_rehearsal\n"+block)

	vars := map[string]string{sandbox.EnvEHClientID: sandbox.EHClientID, sandbox.EnvEHClientSecret: sandbox.EHSecret}
	r := connectWith(t, vars, config, "employment-hero", freePort(t))
	require.Equal(t, ExitOK, r.code, r.stderr)

	vars[fleet.EnvToken], vars[fleet.EnvAPIURL], vars["TMPDIR"] = sandboxToken, parchment, t.TempDir()
	vars[fleet.EnvOrganizationSecret] = parchmenttest.DefaultOrganizationSecret
	vars[fleet.EnvLedgerURL] = "sqlite:" + filepath.Join(t.TempDir(), "ledger.db")
	f := &fixture{t: t}
	res := f.runWith(vars, "plan", "--config", config, "--output", "json")
	require.Equal(t, ExitOK, res.code, res.stderr)
	orgs := decodeReport(t, res.stdout)["organizations"].([]any)
	counts := orgs[0].(map[string]any)["counts"].(map[string]any)
	require.Positive(t, counts["create"], "the stand-in's staff are planned")
}
