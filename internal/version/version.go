// Package version reports syspool's own version, stamped at build time or read from the module
// build info, so evidence files say exactly which tool produced them.
package version

import "runtime/debug"

// Version is set with -ldflags "-X github.com/syspool/syspool/internal/version.Version=v1.2.3".
var Version = ""

// String returns the stamped version, else the module version or VCS revision, else "dev".
func String() string {
	if Version != "" {
		return Version
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "dev-" + s.Value[:12]
		}
	}
	return "dev"
}
