//go:build linux

package kubetest

import (
	"os/exec"
	"syscall"
)

// dieWithParent asks the kernel to kill the child when the test binary dies,
// which t.Cleanup cannot cover: `go test -timeout` panics and exits without
// running cleanups, and so does a SIGKILL. The signal is tied to the OS
// thread that forked the child; Go only retires a thread when a goroutine
// locked to it exits, which neither this package nor the testing package does.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
