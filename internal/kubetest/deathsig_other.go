//go:build !linux

package kubetest

import "os/exec"

// dieWithParent has no portable equivalent of Linux's parent-death signal;
// elsewhere the children are stopped by t.Cleanup only.
func dieWithParent(*exec.Cmd) {}
