// Package shell renders command lines that syspool prints for people to paste: quoting for a
// POSIX shell and joining words. Rules' fixes and plans share it so both quote the same way.
package shell

import (
	"regexp"
	"strings"
)

var safe = regexp.MustCompile(`^[A-Za-z0-9_./:=,@%+-]+$`)

// Quote quotes v for a POSIX shell when it holds anything but plainly safe characters; resource
// group names may contain parentheses and kube contexts often contain spaces.
func Quote(v string) string {
	if safe.MatchString(v) {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", `'\''`) + "'"
}

// Join joins the non-empty words with single spaces.
func Join(words ...string) string {
	out := make([]string, 0, len(words))
	for _, w := range words {
		if w != "" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}
