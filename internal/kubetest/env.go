package kubetest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
)

// Environment variables read by [Start].
const (
	// EnvTestbin names the directory printed by hack/testbin.sh.
	EnvTestbin = "SYSPOOL_TESTBIN"
	// EnvRequire, set to 1, turns a missing EnvTestbin into a failure.
	EnvRequire = "SYSPOOL_REQUIRE_INTEGRATION"
)

// DefaultStartTimeout bounds the start-up of etcd plus kube-apiserver. They
// are ready in about 4 s on an idle 2-core machine; the margin is for
// machines busy compiling other packages at the same time.
const DefaultStartTimeout = 90 * time.Second

// startAttempts is how often a start-up is retried when a free port was taken
// between picking it and the child binding it.
const startAttempts = 3

// Options configure [Start] and [Launch]. The zero value is a usable environment.
type Options struct {
	// Users maps extra token-authenticated users to their groups. They get no
	// RBAC bindings, so a test grants exactly the permissions it means to prove.
	Users map[string][]string
	// StartTimeout bounds the wait for readiness; zero means DefaultStartTimeout.
	StartTimeout time.Duration
	// APIServerArgs are appended to kube-apiserver's flags. Scalar flags given
	// again override ours; list flags (--etcd-servers) append.
	APIServerArgs []string
	// EtcdArgs are appended to etcd's flags, such as a larger
	// --quota-backend-bytes for a cluster of 150,000 pods.
	EtcdArgs []string
	// APIServerEnv is added to kube-apiserver's environment, such as a
	// GOMEMLIMIT that keeps a large cluster's API server within a shared
	// machine's memory.
	APIServerEnv []string
}

// Env is a running etcd and kube-apiserver for the duration of one test.
// Methods without a testing.TB parameter report misuse on the test given to
// Start, so call them from that test's goroutine or hand their results to
// subtests.
type Env struct {
	t  testing.TB
	cp *ControlPlane

	kubeconfigMu sync.Mutex

	adminOnce   sync.Once
	adminClient kubernetes.Interface
	adminErr    error
}

// Start runs etcd and kube-apiserver for the duration of t and returns once
// the API server's /readyz succeeds. It skips or fails t when the binaries
// are not available (see the package documentation).
func Start(t testing.TB, opts Options) *Env {
	t.Helper()
	bin := testbinDir(t)
	dir := t.TempDir()
	// t.Context is cancelled just before cleanups run, which would not stop
	// the processes: Launch's own timeout bounds the start-up, and cleanup
	// stops them.
	cp, err := Launch(context.Background(), bin, dir, opts)
	if err != nil {
		t.Fatalf("kubetest: %v", err)
	}
	e := &Env{t: t, cp: cp}
	// Registered after t.TempDir, so it runs before the directory is removed:
	// the processes must be gone before their files are deleted.
	t.Cleanup(e.cleanup)
	t.Logf("kubetest: etcd ready in %s, kube-apiserver ready in %s at %s",
		cp.EtcdReady.Round(time.Millisecond), cp.APIServerReady.Round(time.Millisecond), cp.host)
	return e
}

// testbinDir returns $SYSPOOL_TESTBIN, or skips or fails t when it is unset.
func testbinDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(EnvTestbin)
	if dir == "" {
		msg := fmt.Sprintf("kubetest: %s is not set; build etcd and kube-apiserver with "+
			"`export %s=$(bash hack/testbin.sh)` (10+ minutes the first time, cached after)", EnvTestbin, EnvTestbin)
		if integrationRequired(os.Getenv) {
			t.Fatalf("%s; failing instead of skipping because CI=true or %s=1", msg, EnvRequire)
		}
		t.Skip(msg)
	}
	// A set but wrong directory is always a mistake, never a reason to skip.
	for _, name := range []string{"etcd", "kube-apiserver"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Fatalf("kubetest: %s=%s does not hold %s (%v); rerun hack/testbin.sh", EnvTestbin, dir, name, err)
		}
	}
	return dir
}

// integrationRequired reports whether a missing control plane must fail the
// test rather than skip it.
func integrationRequired(getenv func(string) string) bool {
	return getenv("CI") == "true" || getenv(EnvRequire) == "1"
}

// cleanup stops the API server before etcd, so the API server never logs a
// storm of etcd errors into a failing test's output.
func (e *Env) cleanup() {
	if e.t.Failed() {
		e.t.Logf("kubetest: %s", e.cp.Logs(15))
	}
	if err := e.cp.Stop(); err != nil {
		e.t.Errorf("kubetest: %v", err)
	}
}

// Host returns the API server's URL, https://127.0.0.1:PORT.
func (e *Env) Host() string { return e.cp.host }

// ControlPlane returns the processes behind e, for measuring them.
func (e *Env) ControlPlane() *ControlPlane { return e.cp }

// StopAPIServer kills kube-apiserver and waits for it to exit, so a test can
// prove that an unreachable API server gives an error, not a pass. etcd keeps
// running until the test ends. Calling it twice is harmless.
func (e *Env) StopAPIServer() {
	e.t.Helper()
	if err := e.cp.StopAPIServer(); err != nil {
		e.t.Fatalf("kubetest: %v", err)
	}
}

// AdminConfig returns a new config for AdminUser (system:masters).
func (e *Env) AdminConfig() *rest.Config { return e.UserConfig(AdminUser) }

// UserConfig returns a new config that authenticates as name, one of
// Options.Users or AdminUser; an unknown name fails the test. Callers may
// change the returned config.
func (e *Env) UserConfig(name string) *rest.Config {
	e.t.Helper()
	cfg, err := e.cp.UserConfig(name)
	if err != nil {
		e.t.Fatalf("kubetest: %v", err)
	}
	return cfg
}

// AdminClient returns a clientset for AdminUser, shared by the helpers.
func (e *Env) AdminClient() kubernetes.Interface {
	e.t.Helper()
	e.adminOnce.Do(func() {
		e.adminClient, e.adminErr = kubernetes.NewForConfig(e.AdminConfig())
	})
	if e.adminErr != nil {
		e.t.Fatalf("kubetest: admin clientset: %v", e.adminErr)
	}
	return e.adminClient
}

// KubeconfigFile writes a kubeconfig whose current context is user and
// returns its path, so a command can be run with --kubeconfig. The file holds
// one context per user, each named after its user, so --context can switch
// between them; the cluster is named "kubetest".
func (e *Env) KubeconfigFile(user string) string {
	e.t.Helper()
	path := filepath.Join(e.cp.dir, "kubeconfig-"+user)
	e.kubeconfigMu.Lock()
	defer e.kubeconfigMu.Unlock()
	if err := e.cp.WriteKubeconfig(path, user); err != nil {
		e.t.Fatalf("kubetest: %v", err)
	}
	return path
}
