package fleet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/parchment-sync/parchment-sync/internal/hris"
)

// ehCustomPrefix is where Employment Hero HR's custom fields are read
// (with custom_fields: true).
const ehCustomPrefix = "custom_fields."

// employmentHeroSource reads staff from an Employment Hero HR
// organisation: a config file's employment_hero: block only, as OAuth is
// its one way in.
type employmentHeroSource struct {
	config *Org // the organisation with an employment_hero: block
	client newStaffReader
}

func (e *employmentHeroSource) given() bool { return e.config != nil }

func (e *employmentHeroSource) label() string {
	return "Employment Hero HR organisation " + e.config.Text("employment_hero.organization_id")
}

func (e *employmentHeroSource) check() error {
	_, err := e.config.employmentHero()
	return err
}

// mayLack exempts custom fields: one no employee has a value in may be
// absent from every record.
func (e *employmentHeroSource) mayLack(field string) bool {
	return strings.HasPrefix(field, ehCustomPrefix)
}

func (e *employmentHeroSource) read(ctx context.Context, _ env, _ *slog.Logger, fields []string, spool *hris.Spool) error {
	if e.client == nil {
		return errors.New("the Employment Hero HR source was not set up; this is a bug")
	}
	if c, _ := e.config.employmentHero(); !c.customFields {
		if i := slices.IndexFunc(fields, e.mayLack); i >= 0 {
			return fmt.Errorf("the mapping names %q, a custom field: add custom_fields: true to the organisation's employment_hero: block to read them", fields[i])
		}
	}
	return spoolAll(ctx, e.client, spool)
}
