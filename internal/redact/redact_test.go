package redact

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Canaries: values that must never survive, in the forms the adversarial
// run found passing through.
const (
	orgSecret     = "org-secret-CANARY-7f3k"
	partnerSecret = "partner/secret+CANARY=9q"
	dbPassword    = "db-pass-CANARY-x1"
	token         = "eyJhbGciOi.CANARY.tok"
	unknownBearer = "bearer-CANARY-unregistered"
)

var personal = []string{
	"14/03/1978", "14-03-1978", "14.03.78", "1978-03-14", "14 March 1978", "14th Mar 1978",
	"March 14, 1978", "(04) 1234-5678", "0412 345 678", "+61 412 345 678", "(02) 9876 5432",
	"8003-6149-0002-9560", "8003 6149 0002 9560", "8003614900029560",
}

func canaryRedactor() *Redactor {
	r := New(orgSecret, token)
	r.Add(partnerSecret, "")
	r.AddURL("postgres://sync:" + dbPassword + "@db.internal:5432/ledger")
	return r
}

func TestRedactorRemovesEchoedHeaders(t *testing.T) {
	t.Parallel()
	r := canaryRedactor()
	echo := `{"headers":{"Authorization":"Bearer ` + token + `","x-organization-secret":"` + orgSecret + `",` +
		`"x-partner-secret":"` + partnerSecret + `"},"note":"Authorization: Bearer ` + unknownBearer + `",` +
		`"dsn":"postgres://sync:` + dbPassword + `@db/x","escaped":"partner%2Fsecret%2BCANARY%3D9q"}`
	out := r.String(echo)
	for _, s := range []string{orgSecret, partnerSecret, dbPassword, token, unknownBearer, "partner%2Fsecret"} {
		require.NotContains(t, out, s)
	}
	require.Contains(t, out, "x-organization-secret", "the header's name says what was removed")
}

func TestRedactorMasksPersonalDetails(t *testing.T) {
	t.Parallel()
	r := canaryRedactor()
	for _, p := range personal {
		out := r.String("user born " + p + " exists")
		require.NotContains(t, out, p)
		require.Equal(t, "user born "+Mask+" exists", out, p)
	}
	require.Equal(t, "must be 7 characters, got 12345 (HTTP 422)", r.String("must be 7 characters, got 12345 (HTTP 422)"),
		"short numbers are no personal details")
}

func TestSecretsLeavesTheProjectsOwnWords(t *testing.T) {
	t.Parallel()
	r := canaryRedactor()
	own := "Parchment asked to wait (Retry-After: 999999) (request req_0123456789) born 1978-03-14"
	require.Equal(t, own, r.Secrets(own))
	require.Equal(t, "token "+Mask, r.Secrets("token "+token))
}

func TestNilRedactorStillAppliesPatterns(t *testing.T) {
	t.Parallel()
	var r *Redactor
	require.Equal(t, "Authorization: "+Mask+" born "+Mask, r.String("Authorization: Bearer abc born 14/03/1978"))
}

func TestErrKeepsTheChain(t *testing.T) {
	t.Parallel()
	r := canaryRedactor()
	err := r.Err(errors.Join(fs.ErrNotExist, errors.New("connect with password="+dbPassword)))
	require.ErrorIs(t, err, fs.ErrNotExist)
	require.NotContains(t, err.Error(), dbPassword)
	require.Same(t, err, r.Err(err), "cleaning twice changes nothing")
	require.NoError(t, r.Err(nil))
}

// FuzzRedactor embeds each canary in arbitrary text: whatever surrounds it,
// none may come out. The seed corpus runs with every go test.
func FuzzRedactor(f *testing.F) {
	canaries := append([]string{orgSecret, partnerSecret, dbPassword, token}, personal...)
	for i := range canaries {
		f.Add("", "", uint8(i))
		f.Add(`{"detail":"Authorization: `, `"}`, uint8(i))
		f.Add("HPI-I", "already exists; phone 0", uint8(i))
		f.Add("x-organization-secret=", "\n\t", uint8(i))
		f.Add("born ", "9", uint8(i))
	}
	f.Add("Bearer ", "", uint8(255))
	r := canaryRedactor()
	f.Fuzz(func(t *testing.T, before, after string, pick uint8) {
		if int(pick) >= len(canaries) {
			// An unregistered bearer token goes through its label alone.
			in := before + "Bearer " + unknownBearer + after
			if !strings.Contains(before+after, unknownBearer) {
				require.NotContains(t, r.String(in), unknownBearer)
			}
			return
		}
		canary := canaries[pick]
		out := r.String(before + canary + after)
		require.NotContains(t, out, canary, "in %q", before+canary+after)
		require.NotContains(t, r.Secrets(before+canary+after), orgSecret)
	})
}
