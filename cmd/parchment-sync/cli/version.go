package cli

import (
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// versionText is what --version and version print: the module version, the
// commit it was built from and the Go version, from the binary's own build
// information, so a support question can name the exact build.
func versionText() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "parchment-sync (no build information)"
	}
	version, commit, modified := info.Main.Version, "unknown", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			commit = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if version == "" {
		version = "(devel)"
	}
	if modified {
		commit += " (modified)"
	}
	return fmt.Sprintf("parchment-sync %s, commit %s, %s", version, commit, info.GoVersion)
}

func (a *app) versionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, the commit and the Go version it was built with",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintln(a.stdout, versionText())
			return err
		},
	}
}
