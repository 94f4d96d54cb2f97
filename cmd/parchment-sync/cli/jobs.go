package cli

import (
	"errors"

	"github.com/spf13/pflag"
)

// fleetFlags run several organisations from one config file.
type fleetFlags struct {
	configFile string
	orgs       []string
	parallel   int
}

func (fl *fleetFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&fl.configFile, "config", "", "YAML file listing organisations (see README); replaces the per-organisation flags")
	fs.StringArrayVar(&fl.orgs, "org", nil, "with --config: run only this organisation (repeatable; default all)")
	fs.IntVar(&fl.parallel, "parallel", 4, "with --config: organisations run at once")
}

func (fl *fleetFlags) check() []error {
	if fl.parallel < 1 {
		return []error{errors.New("--parallel must be at least 1")}
	}
	return nil
}
