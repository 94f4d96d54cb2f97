package cli

import (
	"bufio"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/parchment-sync/parchment-sync/internal/fleet"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

// deployDir holds the deployment recipes (samples/deploy).
const deployDir = "../../../samples/deploy"

// exitCodeBlock checks a recipe's comments list every exit code.
func exitCodeBlock(t *testing.T, name, text string) {
	t.Helper()
	for _, code := range []string{"0", "1", "2", "3", "4", "75"} {
		require.Regexp(t, `(?m)^#.*\b`+code+`\b`, text, "%s: exit code %s", name, code)
	}
	require.Contains(t, text, "--allow-mass-leavers", name)
}

func readDeploy(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(deployDir, name))
	require.NoError(t, err)
	return string(data)
}

func TestDeployYAMLParses(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob(filepath.Join(deployDir, "*.yaml"))
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	for _, p := range paths {
		f, err := os.Open(p)
		require.NoError(t, err)
		dec := yaml.NewDecoder(f)
		docs := 0
		for {
			var doc map[string]any
			err := dec.Decode(&doc)
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err, p)
			docs++
		}
		f.Close()
		require.Positive(t, docs, p)
	}
}

// The config file sample is read by the real parser, and secrets.env
// sets every variable it names.
func TestDeployConfigLoads(t *testing.T) {
	t.Parallel()
	orgs, err := fleet.LoadConfig(filepath.Join(deployDir, "config.yaml"), func(string) string { return "" })
	require.NoError(t, err)
	require.Len(t, orgs, 2)
	secrets := readDeploy(t, "secrets.env.example")
	names := fleet.SecretVariables(orgs)
	require.Len(t, names, 5)
	for _, n := range names {
		require.Regexp(t, `(?m)^`+n+`=`, secrets)
	}
	require.Equal(t, "sqlite:///var/lib/parchment-sync/ledger.db", orgs[0].Text("ledger"),
		"the default ledger with XDG_STATE_HOME=/var/lib, in StateDirectory=parchment-sync")
	for _, line := range strings.Split(secrets, "\n") {
		require.False(t, strings.HasPrefix(line, "export "), "EnvironmentFile takes no export")
	}
}

func TestDeployCron(t *testing.T) {
	t.Parallel()
	text := readDeploy(t, "parchment-sync.cron")
	exitCodeBlock(t, "cron", text)
	var jobs []string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case regexp.MustCompile(`^[A-Z_]+=\S*$`).MatchString(line):
		default:
			jobs = append(jobs, line)
		}
	}
	require.Len(t, jobs, 1)
	// cron.d: five time fields, the user, the command.
	fields := strings.Fields(jobs[0])
	require.Greater(t, len(fields), 7)
	command := strings.Join(fields[6:], " ")
	require.NotContains(t, command, "%", "cron reads % as a newline")
	require.NotContains(t, command, "flock")
	require.Regexp(t, `timeout --preserve-status --kill-after=\S+ \S+ /usr/local/bin/parchment-sync apply`, command,
		"a hung run must not hold the organisation into the next night")
	require.Contains(t, command, "parchment-sync apply --config /etc/parchment-sync/config.yaml --log-format json --metrics-file ")
	if sh, err := exec.LookPath("sh"); err == nil {
		out, err := exec.Command(sh, "-n", "-c", command).CombinedOutput()
		require.NoError(t, err, "sh -n: %s", out)
	}
}

func TestDeploySystemd(t *testing.T) {
	t.Parallel()
	service := readDeploy(t, "parchment-sync.service")
	exitCodeBlock(t, "service", service)
	exitCodeBlock(t, "timer", readDeploy(t, "parchment-sync.timer"))
	for _, want := range []string{
		"Type=oneshot", "EnvironmentFile=/etc/parchment-sync/secrets.env", "Environment=XDG_STATE_HOME=/var/lib",
		"StateDirectory=parchment-sync", "ProtectSystem=strict", "NoNewPrivileges=yes",
		"ExecStart=/usr/local/bin/parchment-sync apply --config /etc/parchment-sync/config.yaml --log-format json --metrics-file ",
	} {
		require.Contains(t, service, want)
	}
	require.Contains(t, service, "0600")

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	// verify wants ExecStart's program to exist: this test's binary
	// stands in for parchment-sync.
	dir := t.TempDir()
	self, err := os.Executable()
	require.NoError(t, err)
	for _, name := range []string{"parchment-sync.service", "parchment-sync.timer"} {
		text := strings.ReplaceAll(readDeploy(t, name), "/usr/local/bin/parchment-sync", self)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	cmd := exec.Command(analyze, "verify", filepath.Join(dir, "parchment-sync.service"), filepath.Join(dir, "parchment-sync.timer"))
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "systemd-analyze verify: %s", out)
	require.Empty(t, strings.TrimSpace(string(out)), "systemd-analyze verify warns")
}

func TestDeployKubernetes(t *testing.T) {
	t.Parallel()
	text := readDeploy(t, "kubernetes.yaml")
	exitCodeBlock(t, "kubernetes", text)
	dec := yaml.NewDecoder(strings.NewReader(text))
	kinds := map[string]map[string]any{}
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			break
		} else {
			require.NoError(t, err)
		}
		kinds[doc["kind"].(string)] = doc
	}
	require.ElementsMatch(t, []string{"ConfigMap", "PersistentVolumeClaim", "CronJob"}, mapKeys(kinds))

	at := func(v any, path ...any) any {
		t.Helper()
		for _, p := range path {
			switch k := p.(type) {
			case string:
				m, ok := v.(map[string]any)
				require.True(t, ok, "%v at %q", path, k)
				v = m[k]
			case int:
				l, ok := v.([]any)
				require.True(t, ok && len(l) > k, "%v at %d", path, k)
				v = l[k]
			}
		}
		return v
	}
	cron := kinds["CronJob"]
	require.Equal(t, "batch/v1", cron["apiVersion"])
	require.Equal(t, "Forbid", at(cron, "spec", "concurrencyPolicy"))
	job := at(cron, "spec", "jobTemplate", "spec")
	require.Equal(t, 0, at(job, "backoffLimit"))
	pod := at(job, "template", "spec")
	require.Equal(t, "Never", at(pod, "restartPolicy"))
	container := at(pod, "containers", 0)
	require.NotNil(t, at(container, "resources", "limits", "memory"))
	require.NotNil(t, at(container, "resources", "limits", "cpu"))
	var args []string
	for _, a := range at(container, "args").([]any) {
		args = append(args, a.(string))
	}
	require.Equal(t, []string{"apply", "--config", "/etc/parchment-sync/config.yaml", "--log-format", "json", "--metrics-file"}, args[:6])
	o := parseOps(t, args[5:]...)
	o.metricsFile = "" // its folder is the pod's volume
	require.Empty(t, o.check())

	env := map[string]any{}
	for _, e := range at(container, "env").([]any) {
		env[at(e, "name").(string)] = e
	}
	require.Equal(t, "/var/lib", at(env["XDG_STATE_HOME"], "value"))

	// The ConfigMap's config loads with the variables the pod sets, and
	// every secret one comes from the Secret.
	cfgPath := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(cfgPath, []byte(at(kinds["ConfigMap"], "data", "config.yaml").(string)), 0o600))
	getenv := func(name string) string {
		if _, ok := env[name]; ok {
			return "set"
		}
		return ""
	}
	orgs, err := fleet.LoadConfig(cfgPath, getenv)
	require.NoError(t, err)
	require.Len(t, orgs, 2)
	for _, name := range append(fleet.SecretVariables(orgs), "PARCHMENT_LEDGER_URL") {
		require.Contains(t, env, name)
		require.Equal(t, "parchment-sync", at(env[name], "valueFrom", "secretKeyRef", "name"), name)
	}
	claim := at(pod, "volumes")
	var claims []string
	for _, v := range claim.([]any) {
		if c, ok := v.(map[string]any)["persistentVolumeClaim"]; ok {
			claims = append(claims, at(c, "claimName").(string))
		}
	}
	require.Equal(t, []string{at(kinds["PersistentVolumeClaim"], "metadata", "name").(string)}, claims)
}

func mapKeys[V any](m map[string]V) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	return keys
}
