package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/parchment-sync/parchment-sync/mapping"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// orgSettings are an organisation's facts that change what is sent: the
// clinic's phone number. The config file's key for each is named in its
// flag's help; a flag serves a run without a config file.
type orgSettings struct {
	clinicPhone string
}

func (s *orgSettings) register(fs *pflag.FlagSet) {
	fs.StringVar(&s.clinicPhone, "clinic-phone", "", "the practice's phone number, sent as the phone of every provider whose row has none (config key clinic_phone)")
}

// orgSettingFlags are the flags a config file replaces with its keys.
func orgSettingFlags() []string { return []string{"clinic-phone"} }

// fromConfig takes the organisation's keys from its config file entry.
func (s *orgSettings) fromConfig(o orgConfig) {
	s.clinicPhone = o.text("clinic_phone")
}

// check says which setting is wrong, naming the flag or the file and line.
func (s orgSettings) check(where func(key string) string) []error {
	var errs []error
	if s.clinicPhone != "" {
		if _, ok := mapping.CleanPhone(s.clinicPhone); !ok {
			errs = append(errs, fmt.Errorf("%s %q is not an Australian phone number Parchment accepts (04xxxxxxxx, 02/03/07/08 landline, or 61/+61 and 9 digits)", where("clinic_phone"), s.clinicPhone))
		}
	}
	return errs
}

// apply puts the settings into the engine's config.
func (s orgSettings) apply(cfg *psync.Config) {
	cfg.ClinicPhone = s.clinicPhone
}

// pinned is how a plan file records the settings: as the engine reads
// them, so a reformatted number is the same number.
func (s orgSettings) pinned() (clinicPhone string) {
	if p, ok := mapping.CleanPhone(s.clinicPhone); ok {
		return p
	}
	return s.clinicPhone
}

// samePlanned refuses an apply --plan whose settings differ from the
// plan's: the plan's decisions were made, and reviewed, with those.
func (s orgSettings) samePlanned(p planSettings, where func(key string) string) error {
	if got := s.pinned(); got != p.ClinicPhone {
		return errors.New("the plan was made with another clinic phone than " + where("clinic_phone") + " now gives: run plan --out again and review it")
	}
	return nil
}

// checkOrgSettings checks every organisation's settings when the file is
// read, so a typo stops every command with the file and line.
func checkOrgSettings(orgs []orgConfig) error {
	var errs []error
	said := map[string]bool{} // a bad value in defaults is said once
	for _, o := range orgs {
		var s orgSettings
		s.fromConfig(o)
		for _, err := range s.check(func(key string) string { return o.where(key) + ": " + key }) {
			if !said[err.Error()] {
				said[err.Error()] = true
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
