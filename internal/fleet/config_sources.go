package fleet

import (
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// sourceBlock reads an HR system's block, such as keypay: {business_id:
// 1234, api_key_env: KEYPAY_API_KEY}, into block.key values. A key naming
// an environment variable (*_env) is kept as written, never expanded.
func (p *configParser) sourceBlock(k, v *yaml.Node, keys []string, out map[string]configValue) error {
	if v.Kind != yaml.MappingNode {
		return p.errorf(v, "%s must be a mapping of %s", k.Value, strings.Join(keys, ", "))
	}
	for i := 0; i < len(v.Content); i += 2 {
		sk, sv := v.Content[i], v.Content[i+1]
		if !slices.Contains(keys, sk.Value) {
			return p.errorf(sk, "unknown key %q in %s; expected one of %s", sk.Value, k.Value, strings.Join(keys, ", "))
		}
		if sv.Kind != yaml.ScalarNode {
			return p.errorf(sv, "%s of %s must be a single value", sk.Value, k.Value)
		}
		name := k.Value + "." + sk.Value
		if _, dup := out[name]; dup {
			return p.errorf(sk, "key %q is given twice in %s", sk.Value, k.Value)
		}
		text := sv.Value
		if strings.HasSuffix(sk.Value, "_env") {
			if err := p.checkSecretName(name, sv); err != nil {
				return err
			}
		} else {
			var err error
			if text, err = p.expand(sv, text); err != nil {
				return err
			}
		}
		out[name] = configValue{text: text, line: sv.Line}
	}
	return nil
}
