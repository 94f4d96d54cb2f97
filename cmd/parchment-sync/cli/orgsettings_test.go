package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/parchment-sync/parchment-sync/internal/rostertest"
	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

// rosterWithoutPhones writes people with no phone, as an export whose
// mapping takes no personal mobile.
func (f *fixture) rosterWithoutPhones(name string, people []rostertest.Person) string {
	f.t.Helper()
	path := filepath.Join(f.dir, name)
	csv := strings.ReplaceAll(rostertest.CSV(people), ",0412345678,", ",,")
	require.NoError(f.t, os.WriteFile(path, []byte(csv), 0o600))
	return path
}

func (f *fixture) userPhone(externalID string) string {
	f.t.Helper()
	for _, u := range f.server.Snapshot(f.org) {
		if u.ExternalUserID == externalID {
			return u.Phone
		}
	}
	f.t.Fatalf("no Parchment user carries %s", externalID)
	return ""
}

func TestClinicPhoneFillsProvidersCreates(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	csv := f.rosterWithoutPhones("roster.csv", rostertest.Staff(2))
	res := f.run("apply", "--csv", csv, "--clinic-phone", "(02) 9876 5432")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Equal(t, "0298765432", f.userPhone("EMP0000"), "the provider shows the clinic's number")
	require.Empty(t, f.userPhone("EMP0001"), "the receptionist gets none")
}

func TestClinicPhoneIsChecked(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	csv := f.roster("roster.csv", rostertest.Staff(1))
	res := f.run("plan", "--csv", csv, "--clinic-phone", "555 0100")
	require.Equal(t, ExitUsage, res.code)
	require.Contains(t, res.stderr, `--clinic-phone "555 0100" is not an Australian phone number`)

	path, vars := f.fleet("    clinic_phone: 12345\n")
	res = f.runWith(vars, "plan", "--config", path)
	require.Equal(t, ExitUsage, res.code)
	require.Contains(t, res.stderr, `config.yaml:18: clinic_phone "12345" is not an Australian phone number`)

	path, vars = f.fleet("    clinic_phone: 02 9876 5432\n")
	res = f.runWith(vars, "plan", "--config", path, "--clinic-phone", "0298765432")
	require.Equal(t, ExitUsage, res.code)
	require.Contains(t, res.stderr, "--clinic-phone cannot be combined with --config")
	require.Empty(t, f.server.Counters().Requests, "nothing ran")
}

func TestPlanFilePinsTheClinicPhone(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	csv := f.rosterWithoutPhones("roster.csv", rostertest.Staff(2))
	planPath := filepath.Join(f.dir, "plan.json")
	res := f.run("plan", "--csv", csv, "--out", planPath, "--clinic-phone", "02 9876 5432")
	require.Equal(t, ExitOK, res.code, res.stderr)
	raw, err := os.ReadFile(planPath)
	require.NoError(t, err)
	require.Contains(t, string(raw), `"clinic_phone": "0298765432"`)

	res = f.run("apply", "--csv", csv, "--plan", planPath, "--clinic-phone", "0298765433")
	require.Equal(t, ExitUsage, res.code)
	require.Contains(t, res.stderr, "the plan was made with another clinic phone than --clinic-phone")
	res = f.run("apply", "--csv", csv, "--plan", planPath)
	require.Equal(t, ExitUsage, res.code, "none is another number too")
	require.Empty(t, f.server.Counters().Requests, "nothing sent")

	res = f.run("apply", "--csv", csv, "--plan", planPath, "--clinic-phone", "0298765432")
	require.Equal(t, ExitOK, res.code, res.stderr)
	require.Equal(t, "0298765432", f.userPhone("EMP0000"))
}

func TestTimezoneIsCheckedAndPinned(t *testing.T) {
	t.Parallel()
	f := setup(t, parchmenttest.Config{})
	csv := f.roster("roster.csv", rostertest.Staff(2))
	res := f.run("plan", "--csv", csv, "--timezone", "Sydney")
	require.Equal(t, ExitUsage, res.code)
	require.Contains(t, res.stderr, `--timezone "Sydney" is not a time zone name`)

	planPath := filepath.Join(f.dir, "plan.json")
	res = f.run("plan", "--csv", csv, "--out", planPath, "--timezone", "Australia/Sydney")
	require.Equal(t, ExitOK, res.code, res.stderr)
	res = f.run("apply", "--csv", csv, "--plan", planPath, "--timezone", "Australia/Perth")
	require.Equal(t, ExitUsage, res.code)
	require.Contains(t, res.stderr, "the plan was made with another time zone than --timezone")
	require.Empty(t, f.server.Counters().Requests, "nothing sent")
	res = f.run("apply", "--csv", csv, "--plan", planPath, "--timezone", "Australia/Sydney")
	require.Equal(t, ExitOK, res.code, res.stderr)
}
