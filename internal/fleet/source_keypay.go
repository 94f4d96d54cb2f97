package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"

	"github.com/parchment-sync/parchment-sync/internal/hris"
	"github.com/parchment-sync/parchment-sync/internal/hris/keypay"
)

// EnvKeyPayAPIKey holds the Employment Hero Payroll API key by default.
const EnvKeyPayAPIKey = "KEYPAY_API_KEY"

// KeyPay choose Employment Hero Payroll (KeyPay) as the source.
type KeyPay struct {
	Business       string
	URL            string
	apiKeyEnv      string
	Qualifications bool
	Concurrency    int
}

func keypayConfigKeys() []string {
	return []string{"business_id", "url", "api_key_env", "qualifications"}
}

// keypayFromConfig reads a config file's keypay: block.
func keypayFromConfig(o Org) (KeyPay, error) {
	k := KeyPay{
		Business: o.Text("keypay.business_id"), URL: firstSet(o.Text("keypay.url"), keypay.DefaultURL),
		apiKeyEnv: o.Text("keypay.api_key_env"), Concurrency: keypay.DefaultConcurrency,
	}
	if q := o.Text("keypay.qualifications"); q != "" {
		var err error
		if k.Qualifications, err = strconv.ParseBool(q); err != nil {
			return k, fmt.Errorf("%s: keypay qualifications must be true or false, not %q", o.where("keypay.qualifications"), q)
		}
	}
	return k, nil
}

func (k *KeyPay) given() bool { return k.Business != "" }

func (k *KeyPay) label() string { return "Employment Hero Payroll business " + k.Business }

func (k *KeyPay) check() error {
	if _, err := strconv.Atoi(k.Business); err != nil {
		return fmt.Errorf("--keypay-business must be the business's number (in the app's address), not %q", k.Business)
	}
	if k.Concurrency < 1 {
		return errors.New("--keypay-concurrency must be at least 1")
	}
	return nil
}

func (k *KeyPay) keyEnv() string { return firstSet(k.apiKeyEnv, EnvKeyPayAPIKey) }

func (k *KeyPay) mayLack(field string) bool { return keypay.MayLack(field) }

func (k *KeyPay) read(ctx context.Context, getenv env, logger *slog.Logger, fields []string, spool *hris.Spool) error {
	key := getenv(k.keyEnv())
	if key == "" {
		return fmt.Errorf("set %s to the Employment Hero Payroll API key (My Account → API key)", k.keyEnv())
	}
	if !k.Qualifications {
		if i := slices.IndexFunc(fields, keypay.MayLack); i >= 0 {
			return fmt.Errorf("the mapping names %q, a qualification: add --keypay-qualifications (qualifications: true in a config file's keypay: block) to read them", fields[i])
		}
	}
	return keypay.Read(ctx, keypay.Config{
		BaseURL: k.URL, BusinessID: k.Business, APIKey: key, Credential: k.keyEnv(),
		Qualifications: k.Qualifications, Concurrency: k.Concurrency, Logger: logger,
	}, fields, spool)
}
