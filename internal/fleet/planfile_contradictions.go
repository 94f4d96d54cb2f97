package fleet

import (
	"fmt"
	"strings"
)

// contradictions lists the decision flags given on the command line whose
// value differs from the reviewed plan's: apply --plan carries out the
// plan as reviewed, so it refuses them rather than ignore them.
func (s planSettings) contradictions(changed func(flag string) bool, given planSettings) []string {
	var out []string
	for _, c := range []struct {
		flag         string
		given, saved any
	}{
		{"leavers", given.Leavers, s.Leavers},
		{"absent-runs", given.AbsentRuns, s.AbsentRuns},
		{"max-leavers", given.MaxLeavers, s.MaxLeavers},
		{"max-leavers-percent", given.MaxLeaversPercent, s.MaxLeaversPercent},
		{"allow-mass-leavers", given.AllowMassLeavers, s.AllowMassLeavers},
		{"refresh", given.Refresh, s.Refresh},
	} {
		if changed(c.flag) && c.given != c.saved {
			out = append(out, fmt.Sprintf("--%s %v (the plan's: %v)", c.flag, c.given, c.saved))
		}
	}
	return out
}

// contradictionErr says which flags contradict the plan and what to do.
func contradictionErr(path string, flags []string) error {
	return fmt.Errorf("--plan %s was reviewed with other settings than %s: drop them to carry out the plan as reviewed, or run plan --out again with them",
		path, strings.Join(flags, ", "))
}
