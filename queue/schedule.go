package queue

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// ParseSchedule reads a config file's schedule: a five-field cron
// expression (minute hour day-of-month month day-of-week) or a descriptor
// such as @daily or @every 6h, read in timezone (an IANA name such as
// Australia/Sydney; empty means the worker's local time zone).
func ParseSchedule(expr, timezone string) (cron.Schedule, error) {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return nil, errors.New("is empty")
	}
	if strings.HasPrefix(expr, "CRON_TZ=") || strings.HasPrefix(expr, "TZ=") {
		return nil, errors.New("takes its time zone from the timezone key, not CRON_TZ= or TZ=")
	}
	loc := time.Local
	if timezone != "" {
		var err error
		if loc, err = LoadTimezone(timezone); err != nil {
			return nil, err
		}
	}
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	s, err := parser.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("%q is not a cron expression (minute hour day-of-month month day-of-week, or @daily, @every 6h …): %v", expr, err)
	}
	if spec, ok := s.(*cron.SpecSchedule); ok {
		spec.Location = loc
	}
	return s, nil
}

// LoadTimezone checks an IANA time zone name.
func LoadTimezone(name string) (*time.Location, error) {
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return nil, fmt.Errorf("%q is not a time zone name such as Australia/Sydney or UTC", name)
	}
	return loc, nil
}
