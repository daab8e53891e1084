package kubetest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
)

// errPortTaken marks a start-up that failed because a port picked by
// freePorts was taken by someone else before the process bound it.
var errPortTaken = errors.New("port taken before the process could bind it")

// process is one child process whose stdout and stderr go to a log file.
type process struct {
	name    string
	cmd     *exec.Cmd
	logPath string
	done    chan struct{} // closed once the process has exited and been reaped
	waitErr error         // the result of cmd.Wait; read only after done is closed
}

// startProcess starts path with args; env, if not empty, is added to this process's environment.
func startProcess(name, path string, args, env []string, logPath string) (*process, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("create log file for %s: %w", name, err)
	}
	cmd := exec.Command(path, args...)
	if len(env) > 0 {
		cmd.Env = append(os.Environ(), env...)
	}
	// An *os.File is handed to the child as is, so no goroutine copies output
	// and nothing is lost if the child is killed.
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	dieWithParent(cmd)
	if err := cmd.Start(); err != nil {
		return nil, errors.Join(fmt.Errorf("start %s: %w", name, err), logFile.Close())
	}
	p := &process{name: name, cmd: cmd, logPath: logPath, done: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		// The child holds its own copy of the descriptor; ours only needs closing.
		if err := logFile.Close(); err != nil && p.waitErr == nil {
			p.waitErr = fmt.Errorf("close log of %s: %w", name, err)
		}
		close(p.done)
	}()
	return p, nil
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// stop kills the process and waits until it is reaped. Tests do not need a
// graceful shutdown: etcd's data dir is thrown away, and a kill is faster and
// cannot hang. Stopping an exited process is a no-op.
func (p *process) stop() error {
	if !p.exited() {
		if err := p.cmd.Process.Kill(); err != nil && !errors.Is(err, os.ErrProcessDone) {
			return fmt.Errorf("kill %s (pid %d): %w", p.name, p.cmd.Process.Pid, err)
		}
	}
	<-p.done
	return nil
}

// exitError describes an early exit, marked errPortTaken when the log says a
// listener could not bind, so the caller can retry with other ports.
func (p *process) exitError() error {
	err := fmt.Errorf("%s exited before it was ready: %v", p.name, p.waitErr)
	if log, readErr := os.ReadFile(p.logPath); readErr == nil && bytes.Contains(log, []byte("address already in use")) {
		return fmt.Errorf("%w (%w)", err, errPortTaken)
	}
	return err
}

// tail returns the last n lines of the process's log, for failure messages.
func (p *process) tail(n int) string {
	log, err := os.ReadFile(p.logPath)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", p.logPath, err)
	}
	lines := strings.Split(strings.TrimRight(string(log), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return fmt.Sprintf("--- last %d lines of %s ---\n%s", len(lines), p.logPath, strings.Join(lines, "\n"))
}

// freePorts returns n distinct loopback ports that were free a moment ago.
// They are held open together so the kernel cannot hand out the same port
// twice; another process can still take one before our child binds it, which
// the start-up retry (errPortTaken) covers.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	listeners := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range listeners {
			// Closing a listener we never used cannot lose data.
			_ = l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free loopback port: %w", err)
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
