package fleet

import (
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// secretName is what a *_env key may name: an ordinary environment
// variable. Anything else (a newline, a space) is a mistake at best, and
// is never printed raw.
var secretName = regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)

// databaseURLKeys are the keys whose value is a database URL; a ${VAR} in
// them names a variable a *_env key must not name.
func databaseURLKeys() []string { return []string{"ledger", "source_db"} }

// checkSecretName refuses a *_env value that is no variable name, or that
// names a variable the program reads a database URL or password from: a
// token sent as a bearer would carry the database password to Parchment.
// p.urlVars are the ${VAR}s used in the file's database URLs.
func (p *configParser) checkSecretName(key string, v *yaml.Node) error {
	name := v.Value
	switch {
	case !secretName.MatchString(name):
		return p.errorf(v, "%s %q is not an environment variable name: use capital letters, digits and _ (as in NORTH_TOKEN)", key, name)
	case name == EnvLedgerURL || name == EnvDatabaseURL || p.urlVars[name]:
		return p.errorf(v, "%s %q names a variable holding a database URL (the ledger's or the source's); name the variable holding the Parchment secret", key, name)
	case strings.HasPrefix(name, "PG"):
		return p.errorf(v, "%s %q names a PostgreSQL connection variable (PG…), which the database driver reads; name the variable holding the Parchment secret", key, name)
	}
	return nil
}

// urlVarsOf adds the ${VAR}s of one mapping's database URL keys to vars.
func urlVarsOf(n *yaml.Node, vars map[string]bool) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if slices.Contains(databaseURLKeys(), n.Content[i].Value) {
			for _, m := range configVar.FindAllStringSubmatch(n.Content[i+1].Value, -1) {
				vars[m[1]] = true
			}
		}
	}
}
