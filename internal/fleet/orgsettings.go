package fleet

import (
	"errors"
	"fmt"

	"github.com/parchment-sync/parchment-sync/mapping"
	"github.com/parchment-sync/parchment-sync/queue"
	psync "github.com/parchment-sync/parchment-sync/sync"
)

// Settings are an organisation's facts that change what is sent: the
// clinic's phone number, and the time zone its days (end dates) are
// counted in. The config file's key for each is named in its flag's help;
// a flag serves a run without a config file.
type Settings struct {
	ClinicPhone string
	// Timezone is an IANA name; empty means the machine's zone (TZ).
	Timezone string
}

// fromConfig takes the organisation's keys from its config file entry.
func (s *Settings) fromConfig(o Org) {
	s.ClinicPhone, s.Timezone = o.Text("clinic_phone"), o.Text("timezone")
}

// check says which setting is wrong, naming the flag or the file and line.
func (s Settings) check(where func(key string) string) []error {
	errs := s.checkPhone(where)
	if s.Timezone != "" {
		if _, err := queue.LoadTimezone(s.Timezone); err != nil {
			errs = append(errs, fmt.Errorf("%s %v", where("timezone"), err))
		}
	}
	return errs
}

func (s Settings) checkPhone(where func(key string) string) []error {
	if s.ClinicPhone == "" {
		return nil
	}
	if _, ok := mapping.CleanPhone(s.ClinicPhone); !ok {
		return []error{fmt.Errorf("%s %q is not an Australian phone number Parchment accepts (04xxxxxxxx, 02/03/07/08 landline, or 61/+61 and 9 digits)", where("clinic_phone"), s.ClinicPhone)}
	}
	return nil
}

// apply puts the settings, checked, into the engine's config.
func (s Settings) apply(cfg *psync.Config) {
	cfg.ClinicPhone = s.ClinicPhone
	if s.Timezone == "" {
		return // the engine's default: TZ, else the machine's zone
	}
	if loc, err := queue.LoadTimezone(s.Timezone); err == nil { // check() said why not
		cfg.Location = loc
	}
}

// pinned is how a plan file records the settings: as the engine reads
// them, so a reformatted number is the same number.
func (s Settings) pinned() (clinicPhone string) {
	if p, ok := mapping.CleanPhone(s.ClinicPhone); ok {
		return p
	}
	return s.ClinicPhone
}

// samePlanned refuses an apply --plan whose settings differ from the
// plan's: the plan's decisions were made, and reviewed, with those.
func (s Settings) samePlanned(p planSettings, where func(key string) string) error {
	if got := s.pinned(); got != p.ClinicPhone {
		return errors.New("the plan was made with another clinic phone than " + where("clinic_phone") + " now gives: run plan --out again and review it")
	}
	if s.Timezone != p.Timezone {
		return errors.New("the plan was made with another time zone than " + where("timezone") + " now gives: run plan --out again and review it")
	}
	return nil
}

// checkOrgSettings checks every organisation's settings when the file is
// read, so a typo stops every command with the file and line.
func checkOrgSettings(orgs []Org) error {
	var errs []error
	said := map[string]bool{} // a bad value in defaults is said once
	for _, o := range orgs {
		var s Settings
		s.fromConfig(o)
		// The time zone is checkSchedules' to check.
		for _, err := range s.checkPhone(func(key string) string { return o.where(key) + ": " + key }) {
			if !said[err.Error()] {
				said[err.Error()] = true
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}
