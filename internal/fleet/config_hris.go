package fleet

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// hrisConfigKeys are the HR systems' keys and the keys each nested
// mapping takes. Their leaves are kept flattened, as "deputy.url" or
// "employment_hero.oauth.token_file", so defaults: merge leaf by leaf
// (an OAuth client shared by every organisation, a token file each).
func hrisConfigKeys() map[string][]string {
	return map[string][]string{
		"deputy":          {"url", "token_env", "oauth"},
		"employment_hero": {"organization_id", "url", "custom_fields", "oauth"},
		"oauth":           {"client_id_env", "client_secret_env", "token_file", "url"},
	}
}

// hrisKey reads k: v when k is an HR system's key, and reports whether
// it was one.
func (p *configParser) hrisKey(k, v *yaml.Node, out map[string]configValue) (bool, error) {
	if k.Value != "deputy" && k.Value != "employment_hero" {
		return false, nil
	}
	return true, p.nested(k.Value, k, v, out)
}

func (p *configParser) nested(path string, k, v *yaml.Node, out map[string]configValue) error {
	name := k.Value
	keys := hrisConfigKeys()[name]
	if v.Kind != yaml.MappingNode {
		return p.errorf(v, "%s must be a mapping of %s", path, strings.Join(keys, ", "))
	}
	for i := 0; i < len(v.Content); i += 2 {
		sk, sv := v.Content[i], v.Content[i+1]
		key := path + "." + sk.Value
		switch {
		case !slices.Contains(keys, sk.Value):
			return p.errorf(sk, "unknown key %q under %s; expected one of %s", sk.Value, path, strings.Join(keys, ", "))
		case sk.Value == "oauth":
			if err := p.nested(key, sk, sv, out); err != nil {
				return err
			}
			continue
		case sv.Kind != yaml.ScalarNode:
			return p.errorf(sv, "%s must be a single value", key)
		}
		if _, dup := out[key]; dup {
			return p.errorf(sk, "key %q is given twice under %s", sk.Value, path)
		}
		text := sv.Value
		if strings.HasSuffix(sk.Value, "_env") {
			if err := p.checkSecretName(key, sv); err != nil {
				return err
			}
		} else {
			var err error
			if text, err = p.expand(sv, text); err != nil {
				return err
			}
		}
		if sk.Value == "token_file" && text != "" && !filepath.IsAbs(text) {
			text = filepath.Join(p.dir, text)
		}
		out[key] = configValue{text: text, line: sv.Line}
	}
	return nil
}

// hrisOAuth is an HR system's OAuth client and token file.
type hrisOAuth struct {
	clientIDEnv, clientSecretEnv, tokenFile, url string
}

// deputyConfig is an organisation's deputy: key.
type deputyConfig struct {
	url, tokenEnv string
	oauth         *hrisOAuth // nil with token_env
}

// employmentHeroConfig is an organisation's employment_hero: key.
type employmentHeroConfig struct {
	organizationID, url string
	customFields        bool
	oauth               hrisOAuth
}

// oauthOf reads prefix.oauth; nil when the organisation has none.
func (o Org) oauthOf(prefix string) (*hrisOAuth, error) {
	p := prefix + ".oauth."
	a := &hrisOAuth{clientIDEnv: o.Text(p + "client_id_env"), clientSecretEnv: o.Text(p + "client_secret_env"),
		tokenFile: o.Text(p + "token_file"), url: o.Text(p + "url")}
	if *a == (hrisOAuth{}) {
		return nil, nil
	}
	for _, key := range []string{"client_id_env", "client_secret_env", "token_file"} {
		if o.Text(p+key) == "" {
			return nil, fmt.Errorf("%s: %s oauth of organisation %q needs %s", o.where(p+"token_file"), prefix, o.name(), key)
		}
	}
	return a, nil
}

// deputy returns the organisation's Deputy settings: a url, and either
// token_env or oauth.
func (o Org) deputy() (deputyConfig, error) {
	d := deputyConfig{url: o.Text("deputy.url"), tokenEnv: o.Text("deputy.token_env")}
	oauth, err := o.oauthOf("deputy")
	if err != nil {
		return d, err
	}
	d.oauth = oauth
	switch {
	case d.url == "":
		return d, fmt.Errorf("%s: organisation %q needs deputy: {url: https://INSTALL.GEO.deputy.com, …}", o.where("deputy.url"), o.name())
	case (d.tokenEnv == "") == (oauth == nil):
		return d, fmt.Errorf("%s: deputy of organisation %q needs one of token_env (a permanent token) or oauth: {client_id_env, client_secret_env, token_file}", o.where("deputy.url"), o.name())
	}
	return d, nil
}

// employmentHero returns the organisation's Employment Hero HR settings.
func (o Org) employmentHero() (employmentHeroConfig, error) {
	e := employmentHeroConfig{organizationID: o.Text("employment_hero.organization_id"), url: o.Text("employment_hero.url")}
	switch cf := o.Text("employment_hero.custom_fields"); cf {
	case "", "false":
	case "true":
		e.customFields = true
	default:
		return e, fmt.Errorf("%s: employment_hero custom_fields must be true or false, not %q", o.where("employment_hero.custom_fields"), cf)
	}
	oauth, err := o.oauthOf("employment_hero")
	if err != nil {
		return e, err
	}
	if e.organizationID == "" || oauth == nil {
		return e, fmt.Errorf("%s: organisation %q needs employment_hero: {organization_id, oauth: {client_id_env, client_secret_env, token_file}}", o.where("employment_hero.organization_id"), o.name())
	}
	e.oauth = *oauth
	return e, nil
}
