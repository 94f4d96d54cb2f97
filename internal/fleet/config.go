package fleet

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/parchment-sync/parchment-sync/queue"
)

// Org is one organisation of a config file, defaults applied. Every
// value is a string as written (after ${VAR} expansion); settings() turns
// them into a job.
type Org struct {
	file   string
	line   int // where the organisation's entry starts
	values map[string]configValue
}

type configValue struct {
	text string
	line int
}

// configKeys are the per-organisation keys, in the order messages list them.
func configKeys() []string {
	return []string{
		"name", "organization_id", "api_url", "ledger", "csv", "mapping", "source_db", "source_query",
		"rate", "burst", "concurrency", "call_timeout", "max_retry_after", "leavers", "absent_runs", "max_leavers", "max_leavers_percent",
		"organization_secret_env", "token_env", "partner_id_env", "partner_secret_env", "user_id_env",
		"schedule", "timezone", "clinic_phone",
	}
}

// pathKeys are resolved against the config file's folder when relative.
func pathKeys() []string { return []string{"csv", "mapping"} }

// secretNameKeys hold the names of environment variables, never values,
// so they are not ${VAR}-expanded.
func secretNameKeys() []string {
	return []string{"organization_secret_env", "token_env", "partner_id_env", "partner_secret_env", "user_id_env"}
}

// maxConfigBytes bounds a config file; hundreds of organisations fit.
const maxConfigBytes = 4 << 20

// LoadConfig reads a config file: `defaults:` (any per-organisation key)
// and `organizations:` (a list). Unknown keys, a missing ${VAR}, a missing
// name or a repeated one are errors naming the file and line.
func LoadConfig(path string, getenv env) ([]Org, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, Usagef("config: %v", err)
	}
	if len(data) > maxConfigBytes {
		return nil, Usagef("%s: the config file is larger than %d MiB", path, maxConfigBytes>>20)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, Usagef("%s: not valid YAML: %s", path, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	p := configParser{file: path, dir: filepath.Dir(path), getenv: getenv}
	orgs, err := p.document(&doc)
	if err == nil {
		err = errors.Join(checkSchedules(orgs), checkOrgSettings(orgs))
	}
	if err != nil {
		return nil, Fail(Usage, err)
	}
	return orgs, nil
}

// checkSchedules checks every schedule and timezone (used by worker), so
// a typo stops every command with the file and line, as other keys do.
func checkSchedules(orgs []Org) error {
	var errs []error
	badZones := map[string]bool{} // a bad timezone in defaults is said once
	for _, o := range orgs {
		tz := o.Text("timezone")
		if tz != "" {
			if _, err := queue.LoadTimezone(tz); err != nil {
				if where := o.where("timezone"); !badZones[where] {
					badZones[where] = true
					errs = append(errs, fmt.Errorf("%s: timezone %v", where, err))
				}
				continue
			}
		}
		if _, ok := o.values["schedule"]; ok {
			if _, err := queue.ParseSchedule(o.Text("schedule"), tz); err != nil {
				errs = append(errs, fmt.Errorf("%s: schedule of organisation %q %v", o.where("schedule"), o.name(), err))
			}
		}
	}
	return errors.Join(errs...)
}

type configParser struct {
	file, dir string
	getenv    env
	urlVars   map[string]bool // ${VAR}s in the file's database URLs
}

func (p *configParser) errorf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.file, n.Line, fmt.Sprintf(format, args...))
}

func (p *configParser) document(doc *yaml.Node) ([]Org, error) {
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("%s: the config file is empty; it needs an organizations: list", p.file)
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, p.errorf(root, "expected a mapping with defaults: and organizations:")
	}
	var defaultsNode, list *yaml.Node
	for i := 0; i < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "defaults":
			defaultsNode = v
		case "organizations":
			list = v
		default:
			return nil, p.errorf(k, "unknown key %q; expected defaults or organizations", k.Value)
		}
	}
	if list == nil || list.Kind != yaml.SequenceNode || len(list.Content) == 0 {
		return nil, fmt.Errorf("%s: organizations: must list at least one organisation", p.file)
	}
	// The ${VAR}s of every database URL are known before any *_env is
	// checked, wherever in the file either is.
	p.urlVars = map[string]bool{}
	for _, n := range append([]*yaml.Node{defaultsNode}, list.Content...) {
		urlVarsOf(n, p.urlVars)
	}
	var defaults map[string]configValue
	if defaultsNode != nil {
		d, err := p.values(defaultsNode, false)
		if err != nil {
			return nil, err
		}
		defaults = d
	}
	var out []Org
	seen := map[string]int{}
	for _, item := range list.Content {
		own, err := p.values(item, true)
		if err != nil {
			return nil, err
		}
		values := make(map[string]configValue, len(defaults)+len(own))
		for k, v := range defaults {
			values[k] = v
		}
		for k, v := range own {
			values[k] = v
		}
		name, ok := own["name"]
		if !ok || name.text == "" {
			return nil, p.errorf(item, "an organisation needs a name")
		}
		if first, dup := seen[name.text]; dup {
			return nil, p.errorf(item, "organisation %q is listed twice (first on line %d)", name.text, first)
		}
		seen[name.text] = item.Line
		out = append(out, Org{file: p.file, line: item.Line, values: values})
	}
	return out, nil
}

// values reads one mapping of per-organisation keys.
func (p *configParser) values(n *yaml.Node, organisation bool) (map[string]configValue, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errorf(n, "expected a mapping of %s", strings.Join(configKeys(), ", "))
	}
	out := map[string]configValue{}
	for i := 0; i < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if keys, ok := apiConfigBlocks()[k.Value]; ok {
			if err := p.sourceBlock(k, v, keys, out); err != nil {
				return nil, err
			}
			continue
		}
		if nested, err := p.hrisKey(k, v, out); nested || err != nil {
			if err != nil {
				return nil, err
			}
			continue
		}
		if !slices.Contains(configKeys(), k.Value) {
			return nil, p.errorf(k, "unknown key %q; expected one of %s", k.Value, strings.Join(append(configKeys(), slices.Sorted(maps.Keys(apiConfigBlocks()))...), ", "))
		}
		if k.Value == "name" && !organisation {
			return nil, p.errorf(k, "name belongs to each organisation, not to defaults")
		}
		if _, dup := out[k.Value]; dup {
			return nil, p.errorf(k, "key %q is given twice", k.Value)
		}
		if v.Kind != yaml.ScalarNode {
			return nil, p.errorf(v, "%s must be a single value", k.Value)
		}
		text := v.Value
		if slices.Contains(secretNameKeys(), k.Value) {
			if err := p.checkSecretName(k.Value, v); err != nil {
				return nil, err
			}
		} else {
			var err error
			if text, err = p.expand(v, text); err != nil {
				return nil, err
			}
		}
		if slices.Contains(pathKeys(), k.Value) && text != "" && !filepath.IsAbs(text) {
			text = filepath.Join(p.dir, text)
		}
		if k.Value == "ledger" {
			if rest, ok := strings.CutPrefix(text, "sqlite:"); ok && rest != "" && !strings.HasPrefix(rest, "/") && !strings.HasPrefix(rest, "//") {
				text = "sqlite:" + filepath.Join(p.dir, rest)
			}
		}
		out[k.Value] = configValue{text: text, line: v.Line}
	}
	return out, nil
}

var configVar = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expand replaces ${VAR} with the variable's value; an unset one is an
// error, so a typo never becomes an empty setting.
func (p *configParser) expand(n *yaml.Node, s string) (string, error) {
	var missing string
	out := configVar.ReplaceAllStringFunc(s, func(m string) string {
		name := configVar.FindStringSubmatch(m)[1]
		v := p.getenv(name)
		if v == "" && missing == "" {
			missing = name
		}
		return v
	})
	if missing != "" {
		return "", p.errorf(n, "environment variable %s is not set (used as ${%s})", missing, missing)
	}
	return out, nil
}

// Text returns the value of key, or "".
func (o Org) Text(key string) string { return o.values[key].text }

func (o Org) name() string { return o.Text("name") }

// where names the place a key was set, or the organisation's entry.
func (o Org) where(key string) string {
	if v, ok := o.values[key]; ok {
		return fmt.Sprintf("%s:%d", o.file, v.line)
	}
	return fmt.Sprintf("%s:%d", o.file, o.line)
}

// duration parses key into v when set; a bad or non-positive one is an
// error naming its line.
func duration(o Org, key string, v *time.Duration) error {
	s := o.Text(key)
	if s == "" {
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return fmt.Errorf("%s: %s must be a duration above 0, such as 30s or 5m, not %q", o.where(key), key, s)
	}
	*v = d
	return nil
}

// number parses key into v when set; a bad one is an error naming its line.
func number[T int | float64](o Org, key string, v *T) error {
	s := o.Text(key)
	if s == "" {
		return nil
	}
	var err error
	switch p := any(v).(type) {
	case *int:
		*p, err = strconv.Atoi(s)
	case *float64:
		*p, err = strconv.ParseFloat(s, 64)
	}
	if err != nil {
		return fmt.Errorf("%s: %s must be a number, not %q", o.where(key), key, s)
	}
	return nil
}

// SecretVariables are the variables the config file's *_env keys name:
// those a deployment must provide.
func SecretVariables(orgs []Org) []string {
	var names []string
	for _, o := range orgs {
		for _, k := range secretNameKeys() {
			if v := o.Text(k); v != "" && !slices.Contains(names, v) {
				names = append(names, v)
			}
		}
	}
	return names
}
