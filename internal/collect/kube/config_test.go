package kube

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestServerHost(t *testing.T) {
	tests := []struct{ server, want string }{
		{"https://aks-dns-k3x9q2ab.hcp.westeurope.azmk8s.io:443", "aks-dns-k3x9q2ab.hcp.westeurope.azmk8s.io"},
		{"https://127.0.0.1:6443", "127.0.0.1"},
		{"aks.example.com:443", "aks.example.com"},
		{"https://[::1]:6443", "::1"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := ServerHost(tt.server); got != tt.want {
			t.Errorf("ServerHost(%q) = %q, want %q", tt.server, got, tt.want)
		}
	}
}

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster: {server: "https://prod-dns.hcp.westeurope.azmk8s.io:443"}
- name: dev
  cluster: {server: "https://dev-dns.hcp.westeurope.azmk8s.io:443"}
users:
- name: u
  user: {token: t}
contexts:
- name: prod
  context: {cluster: prod, user: u}
- name: dev
  context: {cluster: dev, user: u}
current-context: dev
`

func TestLoadConfig(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config")
	if err := os.WriteFile(path, []byte(kubeconfig), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, context, wantContext, wantServer, wantErr string
	}{
		{name: "current context", wantContext: "dev", wantServer: "https://dev-dns.hcp.westeurope.azmk8s.io:443"},
		{name: "explicit context", context: "prod", wantContext: "prod", wantServer: "https://prod-dns.hcp.westeurope.azmk8s.io:443"},
		{name: "unknown context", context: "staging", wantErr: `kube context "staging" is not in the kubeconfig`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, info, err := LoadConfig(path, tt.context)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if info.Context != tt.wantContext || info.Server != tt.wantServer || cfg.Host != tt.wantServer {
				t.Errorf("info = %+v, host %s", info, cfg.Host)
			}
		})
	}
}
