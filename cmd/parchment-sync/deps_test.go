package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The binary serves the stand-in (sandbox) but must not link test
// machinery: testing registers flags and httptest listens on its own.
func TestBinaryLinksNoTestPackages(t *testing.T) {
	t.Parallel()
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "testing" || dep == "net/http/httptest" || strings.HasPrefix(dep, "github.com/stretchr/testify") {
			t.Errorf("the binary links %s", dep)
		}
	}
}
