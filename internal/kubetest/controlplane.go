package kubetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// ControlPlane is a running etcd and kube-apiserver. Tests get one through [Start], which
// stops it when the test ends; [Launch] starts one outside a test, for hack/livebench's
// measurements, and the caller stops it with [ControlPlane.Stop].
type ControlPlane struct {
	dir       string
	host      string
	caPEM     []byte
	users     map[string]user
	etcd      *process
	apiserver *process

	// EtcdReady and APIServerReady are how long each took to become ready.
	EtcdReady, APIServerReady time.Duration
}

// Launch starts etcd and kube-apiserver from the binaries in bin (what hack/testbin.sh
// prints), with their data, logs and credentials in dir, and returns once the API server is
// ready. On failure nothing it started is left running, and the error carries the tail of the
// failed process's log.
func Launch(ctx context.Context, bin, dir string, opts Options) (*ControlPlane, error) {
	timeout := opts.StartTimeout
	if timeout <= 0 {
		timeout = DefaultStartTimeout
	}
	users, err := newUsers(opts.Users)
	if err != nil {
		return nil, fmt.Errorf("Options.Users: %w", err)
	}
	cp := &ControlPlane{dir: dir, users: users}
	if err := writeTokenFile(filepath.Join(dir, "tokens.csv"), users); err != nil {
		return nil, err
	}
	if err := writeServiceAccountKeys(filepath.Join(dir, "sa.key"), filepath.Join(dir, "sa.pub")); err != nil {
		return nil, err
	}

	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	fail := func(err error, p *process) (*ControlPlane, error) {
		if p != nil {
			err = fmt.Errorf("%w\n%s", err, p.tail(40))
		}
		return nil, errors.Join(err, cp.Stop())
	}

	began := time.Now()
	etcdURL, err := cp.startEtcd(ctx, filepath.Join(bin, "etcd"), opts.EtcdArgs)
	if err != nil {
		return fail(err, cp.etcd)
	}
	cp.EtcdReady = time.Since(began)

	began = time.Now()
	if err := cp.startAPIServer(ctx, filepath.Join(bin, "kube-apiserver"), etcdURL, opts.APIServerArgs, opts.APIServerEnv); err != nil {
		return fail(err, cp.apiserver)
	}
	cp.APIServerReady = time.Since(began)

	if err := cp.createDefaultServiceAccounts(ctx); err != nil {
		return fail(err, nil)
	}
	return cp, nil
}

// Stop kills kube-apiserver, then etcd, and waits for both: the API server goes first so it
// never logs a storm of etcd errors. Stopping a stopped control plane is harmless.
func (cp *ControlPlane) Stop() error {
	var errs []error
	for _, p := range []*process{cp.apiserver, cp.etcd} {
		if p != nil {
			errs = append(errs, p.stop())
		}
	}
	return errors.Join(errs...)
}

// StopAPIServer kills kube-apiserver and waits for it to exit; etcd keeps running.
func (cp *ControlPlane) StopAPIServer() error { return cp.apiserver.stop() }

// Host returns the API server's URL, https://127.0.0.1:PORT.
func (cp *ControlPlane) Host() string { return cp.host }

// APIServerPID and EtcdPID identify the processes, for measuring their memory.
func (cp *ControlPlane) APIServerPID() int { return cp.apiserver.cmd.Process.Pid }

// EtcdPID is etcd's process id.
func (cp *ControlPlane) EtcdPID() int { return cp.etcd.cmd.Process.Pid }

// Logs returns the tail of both processes' logs, for a failure message.
func (cp *ControlPlane) Logs(lines int) string {
	var b bytes.Buffer
	for _, p := range []*process{cp.etcd, cp.apiserver} {
		if p != nil {
			fmt.Fprintln(&b, p.tail(lines))
		}
	}
	return b.String()
}

// UserConfig returns a new config that authenticates as name, one of Options.Users or
// AdminUser. Callers may change the returned config.
func (cp *ControlPlane) UserConfig(name string) (*rest.Config, error) {
	u, ok := cp.users[name]
	if !ok {
		return nil, fmt.Errorf("unknown user %q; known users: %v", name, slices.Sorted(maps.Keys(cp.users)))
	}
	return &rest.Config{
		Host:            cp.host,
		BearerToken:     u.token,
		TLSClientConfig: rest.TLSClientConfig{CAData: bytes.Clone(cp.caPEM)},
		UserAgent:       "syspool-kubetest",
		// Tests load dozens of objects; the default 5 QPS would make that
		// slow without testing anything.
		QPS:   200,
		Burst: 400,
		// Bounds a hung request so a test fails instead of hitting go test's timeout.
		Timeout: 30 * time.Second,
	}, nil
}

// WriteKubeconfig writes a kubeconfig whose current context is user to path. The file holds
// one context per user, each named after its user, so --context can switch between them; the
// cluster is named "kubetest".
func (cp *ControlPlane) WriteKubeconfig(path, user string) error {
	if _, ok := cp.users[user]; !ok {
		return fmt.Errorf("unknown user %q; known users: %v", user, slices.Sorted(maps.Keys(cp.users)))
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["kubetest"] = &clientcmdapi.Cluster{Server: cp.host, CertificateAuthorityData: bytes.Clone(cp.caPEM)}
	for name, u := range cp.users {
		cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: u.token}
		cfg.Contexts[name] = &clientcmdapi.Context{Cluster: "kubetest", AuthInfo: name}
	}
	cfg.CurrentContext = user
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		return fmt.Errorf("write kubeconfig for %s: %w", user, err)
	}
	return nil
}

// Token returns the bearer token of user, for a client that reads no kubeconfig.
func (cp *ControlPlane) Token(user string) (string, error) {
	u, ok := cp.users[user]
	if !ok {
		return "", fmt.Errorf("unknown user %q; known users: %v", user, slices.Sorted(maps.Keys(cp.users)))
	}
	return u.token, nil
}

// CAPEM returns the certificates that the API server's serving certificate chains to.
func (cp *ControlPlane) CAPEM() []byte { return bytes.Clone(cp.caPEM) }
