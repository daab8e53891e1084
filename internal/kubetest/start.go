package kubetest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// startEtcd starts etcd on two free loopback ports and returns its client URL
// once /health answers.
func (cp *ControlPlane) startEtcd(ctx context.Context, bin string, extra []string) (string, error) {
	for attempt := 1; ; attempt++ {
		ports, err := freePorts(2)
		if err != nil {
			return "", err
		}
		clientURL := "http://127.0.0.1:" + strconv.Itoa(ports[0])
		peerURL := "http://127.0.0.1:" + strconv.Itoa(ports[1])
		args := []string{
			"--name=kubetest",
			"--data-dir=" + filepath.Join(cp.dir, "etcd-data-"+strconv.Itoa(attempt)),
			"--listen-client-urls=" + clientURL,
			"--advertise-client-urls=" + clientURL,
			"--listen-peer-urls=" + peerURL,
			"--initial-advertise-peer-urls=" + peerURL,
			"--initial-cluster=kubetest=" + peerURL,
			// The data is thrown away after the test; fsync would only make
			// every write wait for the disk.
			"--unsafe-no-fsync",
			"--log-level=warn",
		}
		args = append(args, extra...)
		cp.etcd, err = startProcess("etcd", bin, args, nil, filepath.Join(cp.dir, "etcd-"+strconv.Itoa(attempt)+".log"))
		if err != nil {
			return "", err
		}
		client := &http.Client{Timeout: 2 * time.Second}
		err = waitReady(ctx, cp.etcd, func(ctx context.Context) error {
			return get(ctx, client, clientURL+"/health", "")
		})
		if err == nil {
			return clientURL, nil
		}
		if !errors.Is(err, errPortTaken) || attempt == startAttempts {
			return "", fmt.Errorf("start etcd: %w", err)
		}
	}
}

// startAPIServer starts kube-apiserver on a free loopback port and returns
// once /readyz answers, which includes RBAC's bootstrap roles.
func (cp *ControlPlane) startAPIServer(ctx context.Context, bin, etcdURL string, extra, env []string) error {
	for attempt := 1; ; attempt++ {
		ports, err := freePorts(1)
		if err != nil {
			return err
		}
		certDir := filepath.Join(cp.dir, "apiserver-certs-"+strconv.Itoa(attempt))
		args := []string{
			"--etcd-servers=" + etcdURL,
			"--bind-address=127.0.0.1",
			"--advertise-address=127.0.0.1",
			"--secure-port=" + strconv.Itoa(ports[0]),
			// The API server writes a self-signed CA and a serving cert for
			// 127.0.0.1 here; the CA is read back for the clients.
			"--cert-dir=" + certDir,
			"--token-auth-file=" + filepath.Join(cp.dir, "tokens.csv"),
			"--authorization-mode=RBAC",
			"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
			"--service-account-key-file=" + filepath.Join(cp.dir, "sa.pub"),
			"--service-account-signing-key-file=" + filepath.Join(cp.dir, "sa.key"),
			// An allocation range only: nothing is ever sent to it.
			"--service-cluster-ip-range=10.0.0.0/24",
			// The endpoint reconciler would publish 127.0.0.1 as the
			// kubernetes Service endpoint, which the API server rejects.
			"--endpoint-reconciler-type=none",
			// AKS system pods (kube-proxy, CSI node plugins) are privileged;
			// without this the API server refuses to store them.
			"--allow-privileged=true",
			// See the package documentation: keeps Node taints as given.
			"--disable-admission-plugins=TaintNodesByCondition",
			"--profiling=false",
		}
		args = append(args, extra...)
		cp.apiserver, err = startProcess("kube-apiserver", bin, args, env, filepath.Join(cp.dir, "kube-apiserver-"+strconv.Itoa(attempt)+".log"))
		if err != nil {
			return err
		}
		host := "https://127.0.0.1:" + strconv.Itoa(ports[0])
		token := cp.users[AdminUser].token
		var client *http.Client
		err = waitReady(ctx, cp.apiserver, func(ctx context.Context) error {
			if client == nil {
				// The serving cert appears on disk shortly before the port opens.
				ca, err := readCA(filepath.Join(certDir, "apiserver.crt"))
				if err != nil {
					return err
				}
				cp.caPEM = ca
				pool := x509.NewCertPool()
				pool.AppendCertsFromPEM(ca)
				client = &http.Client{
					Timeout:   2 * time.Second,
					Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
				}
			}
			// The admin token: /readyz is public only once RBAC's bootstrap
			// bindings exist, which is part of what is being waited for.
			return get(ctx, client, host+"/readyz", token)
		})
		if client != nil {
			client.CloseIdleConnections()
		}
		if err == nil {
			cp.host = host
			return nil
		}
		if !errors.Is(err, errPortTaken) || attempt == startAttempts {
			return fmt.Errorf("start kube-apiserver: %w", err)
		}
	}
}

// readCA reads the API server's self-signed certificate bundle, failing until
// it holds at least one whole certificate (it may be caught mid-write).
func readCA(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read serving certificate: %w", err)
	}
	if !x509.NewCertPool().AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("serving certificate %s holds no complete certificate yet", path)
	}
	return b, nil
}

// waitReady polls check until it succeeds, the process exits or ctx ends.
func waitReady(ctx context.Context, p *process, check func(context.Context) error) error {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		err := check(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-p.done:
			return p.exitError()
		case <-ctx.Done():
			return fmt.Errorf("%s not ready in time; last check: %w", p.name, err)
		case <-tick.C:
		}
	}
}

// get succeeds when url answers 200.
func get(ctx context.Context, client *http.Client, url, token string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("build request for %s: %w", url, err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err != nil {
		return fmt.Errorf("read GET %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", url, resp.Status, bytes.TrimSpace(body))
	}
	return nil
}
