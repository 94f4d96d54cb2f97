package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"

	"github.com/spf13/pflag"

	"github.com/parchment-sync/parchment-sync/internal/hris"
	"github.com/parchment-sync/parchment-sync/internal/hris/keypay"
)

// envKeyPayAPIKey holds the Employment Hero Payroll API key by default.
const envKeyPayAPIKey = "KEYPAY_API_KEY"

// keypayFlags choose Employment Hero Payroll (KeyPay) as the source.
type keypayFlags struct {
	business       string
	url            string
	apiKeyEnv      string
	qualifications bool
	concurrency    int
}

func (k *keypayFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&k.business, "keypay-business", "", "read staff from this Employment Hero Payroll (KeyPay) business id instead of --csv; the API key is read from "+envKeyPayAPIKey)
	fs.StringVar(&k.url, "keypay-url", keypay.DefaultURL, "Employment Hero Payroll API address (a white-label host is fine)")
	fs.BoolVar(&k.qualifications, "keypay-qualifications", false, "also read each employee's qualifications, as qualification.<name>.referenceNumber")
	fs.IntVar(&k.concurrency, "keypay-concurrency", keypay.DefaultConcurrency, "Employment Hero Payroll calls in flight at once")
}

func keypayConfigKeys() []string {
	return []string{"business_id", "url", "api_key_env", "qualifications"}
}

// keypayFromConfig reads a config file's keypay: block.
func keypayFromConfig(o orgConfig) (keypayFlags, error) {
	k := keypayFlags{
		business: o.text("keypay.business_id"), url: firstSet(o.text("keypay.url"), keypay.DefaultURL),
		apiKeyEnv: o.text("keypay.api_key_env"), concurrency: keypay.DefaultConcurrency,
	}
	if q := o.text("keypay.qualifications"); q != "" {
		var err error
		if k.qualifications, err = strconv.ParseBool(q); err != nil {
			return k, fmt.Errorf("%s: keypay qualifications must be true or false, not %q", o.where("keypay.qualifications"), q)
		}
	}
	return k, nil
}

func (k *keypayFlags) given() bool { return k.business != "" }

func (k *keypayFlags) label() string { return "Employment Hero Payroll business " + k.business }

func (k *keypayFlags) check() error {
	if _, err := strconv.Atoi(k.business); err != nil {
		return fmt.Errorf("--keypay-business must be the business's number (in the app's address), not %q", k.business)
	}
	if k.concurrency < 1 {
		return errors.New("--keypay-concurrency must be at least 1")
	}
	return nil
}

func (k *keypayFlags) keyEnv() string { return firstSet(k.apiKeyEnv, envKeyPayAPIKey) }

func (k *keypayFlags) mayLack(field string) bool { return keypay.MayLack(field) }

func (k *keypayFlags) read(ctx context.Context, getenv env, logger *slog.Logger, fields []string, spool *hris.Spool) error {
	key := getenv(k.keyEnv())
	if key == "" {
		return fmt.Errorf("set %s to the Employment Hero Payroll API key (My Account → API key)", k.keyEnv())
	}
	if !k.qualifications {
		if i := slices.IndexFunc(fields, keypay.MayLack); i >= 0 {
			return fmt.Errorf("the mapping names %q, a qualification: add --keypay-qualifications (qualifications: true in a config file's keypay: block) to read them", fields[i])
		}
	}
	return keypay.Read(ctx, keypay.Config{
		BaseURL: k.url, BusinessID: k.business, APIKey: key, Credential: k.keyEnv(),
		Qualifications: k.qualifications, Concurrency: k.concurrency, Logger: logger,
	}, fields, spool)
}
