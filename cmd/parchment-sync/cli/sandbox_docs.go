package cli

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/parchment-sync/parchment-sync/parchment/parchmenttest"
)

// docsFlags are the sandbox's choices between answers Parchment's docs
// show in more than one way, and the failures they describe.
type docsFlags struct {
	titledNames         bool
	sexNAsO             bool
	nullProviderDetails bool
	scopeRefusal        string
	strictScopes        bool
	existsAs201         bool
	partialSuffixes     []string
	partialRate         float64
	dropRoles           string
}

// partialAnswers names the create page's partial successes for
// --partial-provider-hpii-suffix.
var partialAnswers = map[string]parchmenttest.CreateAnswer{
	"not-found":      parchmenttest.ProviderNotFound,
	"already-exists": parchmenttest.ProviderAlreadyExists,
}

func (d *docsFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&d.titledNames, "titled-names", true, "reads lead full_name with a held title (\"Dr Aroha Ngata\"); false answers it as stored")
	fs.BoolVar(&d.sexNAsO, "sex-n-as-o", true, "reads answer sex O where N was sent, as the get page lists M F I O; false answers N")
	fs.BoolVar(&d.nullProviderDetails, "null-provider-details", false, "get answers provider_details: null for non-providers instead of leaving it out")
	fs.StringVar(&d.scopeRefusal, "scope-refusal-status", parchmenttest.ScopeRefusalDocumented,
		"status refusing a call whose scope is withheld: documented (401 \"Insufficient scope\" for validate, list and get; 403 for the rest), 401 or 403")
	fs.BoolVar(&d.strictScopes, "strict-scopes", false, "refuse a token request naming any scope the organisation does not allow (400 naming them) instead of granting the rest")
	fs.BoolVar(&d.existsAs201, "exists-as-201", false, "answer a create whose email is taken with HTTP 201 and the USER_ALREADY_EXISTS body (statusCode 409); default HTTP 409")
	fs.StringSliceVar(&d.partialSuffixes, "partial-provider-hpii-suffix", nil,
		"SUFFIX=not-found or SUFFIX=already-exists (repeatable, comma-separated): a provider create whose hpii_number ends in SUFFIX answers 201 USER_CREATED_PROVIDER_NOT_FOUND or _ALREADY_EXISTS and makes the user without a provider record")
	fs.Float64Var(&d.partialRate, "partial-provider-rate", 0, "fraction of other provider creates (0-1) whose provider part fails, either code evenly")
	fs.StringVar(&d.dropRoles, "drop-roles", "", "comma-separated roles the server accepts on create and roles calls but does not keep")
}

// apply checks the flags, each error naming its flag, and sets them on cfg.
func (d *docsFlags) apply(cfg *parchmenttest.Config) error {
	if !slices.Contains(parchmenttest.ScopeRefusals(), d.scopeRefusal) {
		return fmt.Errorf("--scope-refusal-status must be %s, not %q", strings.Join(parchmenttest.ScopeRefusals(), ", "), d.scopeRefusal)
	}
	if d.partialRate < 0 || d.partialRate > 1 {
		return errors.New("--partial-provider-rate is a fraction from 0 to 1")
	}
	suffixes, err := parsePartialSuffixes(d.partialSuffixes)
	if err != nil {
		return err
	}
	drop, err := parseDropRoles(d.dropRoles)
	if err != nil {
		return err
	}
	cfg.UntitledNames = !d.titledNames
	cfg.ReadSexN = !d.sexNAsO
	cfg.NullProviderDetails = d.nullProviderDetails
	cfg.ScopeRefusal = d.scopeRefusal
	cfg.StrictScopes = d.strictScopes
	cfg.ExistsAs201 = d.existsAs201
	cfg.PartialProviderHPII = suffixes
	cfg.PartialProviderRate = d.partialRate
	cfg.DropRoles = drop
	return nil
}

// parsePartialSuffixes reads --partial-provider-hpii-suffix values.
func parsePartialSuffixes(values []string) (map[string]parchmenttest.CreateAnswer, error) {
	out := map[string]parchmenttest.CreateAnswer{}
	for _, v := range values {
		suffix, name, _ := strings.Cut(strings.TrimSpace(v), "=")
		answer, known := partialAnswers[name]
		if !known || suffix == "" || strings.Trim(suffix, "0123456789") != "" || len(suffix) > 16 {
			return nil, fmt.Errorf("--partial-provider-hpii-suffix %q: want 1-16 digits, then =not-found or =already-exists", v)
		}
		out[suffix] = answer
	}
	return out, nil
}

// parseDropRoles reads --drop-roles: roles the roles call accepts.
func parseDropRoles(list string) ([]string, error) {
	var roles []string
	for _, r := range strings.Split(list, ",") {
		if r = strings.TrimSpace(r); r == "" {
			continue
		}
		if known := parchmenttest.AssignableRoles(); !slices.Contains(known, r) {
			return nil, fmt.Errorf("--drop-roles: %q is not a role the roles call accepts (%s)", r, strings.Join(known, ", "))
		}
		roles = append(roles, r)
	}
	return roles, nil
}
