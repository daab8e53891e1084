package kubetest

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
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

// Options configure [Start]. The zero value is a usable environment.
type Options struct {
	// Users maps extra token-authenticated users to their groups. They get no
	// RBAC bindings, so a test grants exactly the permissions it means to prove.
	Users map[string][]string
	// StartTimeout bounds the wait for readiness; zero means DefaultStartTimeout.
	StartTimeout time.Duration
	// APIServerArgs are appended to kube-apiserver's flags. Scalar flags given
	// again override ours; list flags (--etcd-servers) append.
	APIServerArgs []string
}

// Env is a running etcd and kube-apiserver. Methods without a testing.TB
// parameter report misuse on the test given to Start, so call them from that
// test's goroutine or hand their results to subtests.
type Env struct {
	t         testing.TB
	dir       string
	host      string
	caPEM     []byte
	users     map[string]user
	etcd      *process
	apiserver *process
	// started is set once Start returns; before that, Start's own failure
	// message already carries the process logs.
	started bool

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
	timeout := opts.StartTimeout
	if timeout <= 0 {
		timeout = DefaultStartTimeout
	}

	dir := t.TempDir()
	users, err := newUsers(opts.Users)
	if err != nil {
		t.Fatalf("kubetest: Options.Users: %v", err)
	}
	e := &Env{t: t, dir: dir, users: users}
	// Registered after t.TempDir, so it runs before the directory is removed:
	// the processes must be gone before their files are deleted.
	t.Cleanup(e.cleanup)

	if err := writeTokenFile(filepath.Join(dir, "tokens.csv"), users); err != nil {
		t.Fatalf("kubetest: %v", err)
	}
	if err := writeServiceAccountKeys(filepath.Join(dir, "sa.key"), filepath.Join(dir, "sa.pub")); err != nil {
		t.Fatalf("kubetest: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()

	began := time.Now()
	etcdURL, err := e.startEtcd(ctx, filepath.Join(bin, "etcd"))
	if err != nil {
		e.fatalStart(err, e.etcd)
	}
	etcdReady := time.Since(began)

	began = time.Now()
	if err := e.startAPIServer(ctx, filepath.Join(bin, "kube-apiserver"), etcdURL, opts.APIServerArgs); err != nil {
		e.fatalStart(err, e.apiserver)
	}
	apiReady := time.Since(began)

	if err := e.createDefaultServiceAccounts(ctx); err != nil {
		t.Fatalf("kubetest: %v", err)
	}
	t.Logf("kubetest: etcd ready in %s, kube-apiserver ready in %s at %s",
		etcdReady.Round(time.Millisecond), apiReady.Round(time.Millisecond), e.host)
	e.started = true
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

func (e *Env) fatalStart(err error, p *process) {
	e.t.Helper()
	if p == nil {
		e.t.Fatalf("kubetest: %v", err)
	}
	e.t.Fatalf("kubetest: %v\n%s", err, p.tail(40))
}

// cleanup stops the API server before etcd, so the API server never logs a
// storm of etcd errors into a failing test's output.
func (e *Env) cleanup() {
	if e.started && e.t.Failed() {
		for _, p := range []*process{e.apiserver, e.etcd} {
			if p != nil {
				e.t.Logf("kubetest: %s", p.tail(15))
			}
		}
	}
	for _, p := range []*process{e.apiserver, e.etcd} {
		if p == nil {
			continue
		}
		if err := p.stop(); err != nil {
			e.t.Errorf("kubetest: %v", err)
		}
	}
}

// Host returns the API server's URL, https://127.0.0.1:PORT.
func (e *Env) Host() string { return e.host }

// StopAPIServer kills kube-apiserver and waits for it to exit, so a test can
// prove that an unreachable API server gives an error, not a pass. etcd keeps
// running until the test ends. Calling it twice is harmless.
func (e *Env) StopAPIServer() {
	e.t.Helper()
	if err := e.apiserver.stop(); err != nil {
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
	u := e.user(name)
	return &rest.Config{
		Host:            e.host,
		BearerToken:     u.token,
		TLSClientConfig: rest.TLSClientConfig{CAData: bytes.Clone(e.caPEM)},
		UserAgent:       "syspool-kubetest",
		// Tests load dozens of objects; the default 5 QPS would make that
		// slow without testing anything.
		QPS:   200,
		Burst: 400,
		// Bounds a hung request so a test fails instead of hitting go test's timeout.
		Timeout: 30 * time.Second,
	}
}

func (e *Env) user(name string) user {
	e.t.Helper()
	u, ok := e.users[name]
	if !ok {
		e.t.Fatalf("kubetest: unknown user %q; known users: %v", name, slices.Sorted(maps.Keys(e.users)))
	}
	return u
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
	e.user(user)
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["kubetest"] = &clientcmdapi.Cluster{Server: e.host, CertificateAuthorityData: bytes.Clone(e.caPEM)}
	for name, u := range e.users {
		cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: u.token}
		cfg.Contexts[name] = &clientcmdapi.Context{Cluster: "kubetest", AuthInfo: name}
	}
	cfg.CurrentContext = user
	path := filepath.Join(e.dir, "kubeconfig-"+user)
	e.kubeconfigMu.Lock()
	defer e.kubeconfigMu.Unlock()
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		e.t.Fatalf("kubetest: write kubeconfig for %s: %v", user, err)
	}
	return path
}
