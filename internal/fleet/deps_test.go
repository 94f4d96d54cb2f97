package fleet

import (
	"os/exec"
	"strings"
	"testing"
)

// The application knows nothing of flags: they belong to the command
// line, which builds its requests.
func TestNoFlagPackages(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "github.com/spf13/cobra" || dep == "github.com/spf13/pflag" {
			t.Errorf("the application links %s", dep)
		}
	}
}
