package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/syspool/syspool/internal/collect/live/livetest"
	"github.com/syspool/syspool/internal/iostreams"
	"github.com/syspool/syspool/internal/kubetest"
)

// runWith executes the CLI in-process with live collections sent to a replay ARM server.
func runWith(t *testing.T, a *livetest.ARM, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ios, _, out, errOut := iostreams.Test()
	sys := System{IO: ios, Now: func() time.Time { return time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC) },
		Getenv: func(string) string { return "" }, ProgName: "syspool",
		Live: LiveDeps{
			AzureCredential:    func() (azcore.TokenCredential, error) { return a.Credential(), nil },
			AzureClientOptions: a.Options(),
			AzureRetry:         policy.RetryOptions{MaxRetries: 1, RetryDelay: time.Millisecond, MaxRetryDelay: time.Second},
		}}
	code = Main(context.Background(), args, sys)
	return code, out.String(), errOut.String()
}

// grantShippedRole applies deploy/rbac/clusterrole.yaml (less the resources in drop) and binds it
// to group, as an administrator following docs/live.md would.
func grantShippedRole(t *testing.T, env *kubetest.Env, name, group string, drop ...string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "rbac", "clusterrole.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var role rbacv1.ClusterRole
	if err := yaml.UnmarshalStrict(data, &role); err != nil {
		t.Fatal(err)
	}
	role.Name = name
	for i := range role.Rules {
		var keep []string
		for _, r := range role.Rules[i].Resources {
			if !strings.Contains(" "+strings.Join(drop, " ")+" ", " "+r+" ") {
				keep = append(keep, r)
			}
		}
		role.Rules[i].Resources = keep
	}
	ctx := context.Background()
	rbac := env.AdminClient().RbacV1()
	if _, err := rbac.ClusterRoles().Create(ctx, &role, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := rbac.ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: name},
		Subjects: []rbacv1.Subject{{Kind: "Group", APIGroup: "rbac.authorization.k8s.io", Name: group}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

type jsonFinding struct {
	RuleID, Fingerprint, Status, Message string
}

func findingsOf(t *testing.T, out string) []jsonFinding {
	t.Helper()
	var rep struct {
		Findings []jsonFinding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("not a JSON report: %v\n%s", err, out)
	}
	return rep.Findings
}

// TestLiveCommands runs `syspool check` and `syspool snapshot` against a real kube-apiserver
// holding examples/healthy and a replay ARM serving its az captures, with the shipped RBAC.
func TestLiveCommands(t *testing.T) {
	env := kubetest.Start(t, kubetest.Options{Users: map[string][]string{
		"auditor": {"syspool:auditors"}, "no-pods": {"syspool:no-pods"},
	}})
	root := filepath.Join("..", "..", "examples", "healthy")
	livetest.LoadKubectl(t, env, filepath.Join(root, "kubectl-get-nodes.json"), filepath.Join(root, "kubectl-get-pods-A.json"),
		filepath.Join(root, "kubectl-get-pdb-A.json"), filepath.Join(root, "kubectl-get-deploy-ds-A.json"))
	grantShippedRole(t, env, "syspool-reader", "syspool:auditors")
	grantShippedRole(t, env, "syspool-reader-no-pods", "syspool:no-pods", "pods")
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a := livetest.ServeAz(t, read("az-aks-show.json"), read("az-aks-nodepool-list.json"))
	sharedRoot := filepath.Join("..", "..", "examples", "shared-pool")
	sharedShow, err := os.ReadFile(filepath.Join(sharedRoot, "az-aks-show.json"))
	if err != nil {
		t.Fatal(err)
	}
	sharedPools, err := os.ReadFile(filepath.Join(sharedRoot, "az-aks-nodepool-list.json"))
	if err != nil {
		t.Fatal(err)
	}
	other := livetest.ServeAz(t, sharedShow, sharedPools)
	kubeconfig := env.KubeconfigFile("auditor")
	azure := []string{"--subscription", a.SubscriptionID, "-g", a.ResourceGroup, "--cluster-name", a.Cluster}
	otherAzure := []string{"--subscription", other.SubscriptionID, "-g", other.ResourceGroup, "--cluster-name", other.Cluster}
	with := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		return out
	}
	base := []string{"check", "--kubeconfig", kubeconfig, "--now", "2026-11-27"}

	tests := []struct {
		name     string
		arm      *livetest.ARM
		args     []string
		code     int
		stdout   []string // substrings of standard output
		stderr   []string // substrings of standard error
		noStdout []string
	}{
		{name: "the shipped ClusterRole is enough for a full audit", arm: a,
			args: with(base, azure, []string{"--context", "auditor"}), code: 0,
			stdout: []string{
				"Cluster         " + a.Cluster, "Resource group  " + a.ResourceGroup,
				"Subscription    " + a.SubscriptionID + ", " + a.SubscriptionName, "Tenant          " + a.TenantID,
				"API server      " + env.Host(), "Kube context    auditor", "Context check   matched: 6 node(s) carry kubernetes.azure.com/cluster=",
				"Summary: 0 failed, 0 not evaluated",
			}},
		{name: "a role without pods gives error findings and exit 3", arm: a,
			args: with(base, azure, []string{"--context", "no-pods", "-v"}), code: 3,
			stdout: []string{`pods is forbidden: User "no-pods" cannot list resource "pods"`, "deploy/rbac/clusterrole.yaml"}},
		{name: "kube only with --skip-azure exits 3", arm: a,
			args: with(base, []string{"--context", "auditor", "--skip-azure", "-v"}), code: 3,
			stdout: []string{"not read: --skip-azure", "Kube context    auditor"}},
		{name: "no subscription means a Kubernetes-only audit", arm: a,
			args: with(base, []string{"--context", "auditor", "-v"}), code: 3,
			stdout: []string{"no --subscription, --resource-group and --cluster-name were given"}},
		{name: "Azure only with --skip-kube exits 3", arm: a,
			args: with(base, azure, []string{"--skip-kube", "-v"}), code: 3,
			stdout: []string{"not read: --skip-kube"}},
		{name: "a cluster that does not exist is exit 2", arm: a,
			args: with(base, []string{"--subscription", a.SubscriptionID, "-g", a.ResourceGroup, "--cluster-name", "aks-nope", "--context", "auditor"}), code: 2,
			stderr: []string{"managed cluster aks-nope not found in resource group " + a.ResourceGroup}},
		{name: "the kube context of another cluster is exit 2", arm: other,
			args: with(base, otherAzure, []string{"--context", "auditor"}), code: 2,
			stderr: []string{`kube context "auditor"`, "is not cluster " + other.Cluster, "--allow-context-mismatch"}},
		{name: "--allow-context-mismatch audits it anyway and says so", arm: other,
			args: with(base, otherAzure, []string{"--context", "auditor", "--allow-context-mismatch"}), code: 1,
			stdout: []string{"Context check   mismatched:", "(audited anyway: --allow-context-mismatch)"}},
		{name: "some but not all Azure flags", arm: a,
			args: with(base, []string{"--subscription", a.SubscriptionID, "--context", "auditor"}), code: 2,
			stderr: []string{"needs --resource-group, --cluster-name too"}},
		{name: "files and live flags together", arm: a,
			args: with([]string{"check", root}, azure), code: 2, stderr: []string{"give files or live flags, not both"}},
		{name: "an unknown kube context", arm: a,
			args: with(base, azure, []string{"--context", "nope"}), code: 2, stderr: []string{`kube context "nope" is not in the kubeconfig`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runWith(t, tt.arm, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.code, stdout, stderr)
			}
			for _, s := range tt.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.noStdout {
				if strings.Contains(stdout, s) {
					t.Errorf("stdout has %q:\n%s", s, stdout)
				}
			}
			for _, s := range tt.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
		})
	}

	t.Run("live, offline and a saved snapshot give the same verdicts", func(t *testing.T) {
		dir := t.TempDir()
		for name, b := range map[string][]byte{"az-aks-show.json": read("az-aks-show.json"), "az-aks-nodepool-list.json": read("az-aks-nodepool-list.json")} {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		livetest.DumpKubectl(t, env.AdminClient(), dir)
		liveArgs := with(azure, []string{"--kubeconfig", kubeconfig, "--context", "auditor"})

		code, liveOut, stderr := runWith(t, a, with([]string{"check", "-o", "json", "--now", "2026-11-27"}, liveArgs)...)
		if code != 0 {
			t.Fatalf("live check: exit %d\n%s", code, stderr)
		}
		code, offOut, stderr := runWith(t, a, "check", dir, "-o", "json", "--now", "2026-11-27")
		if code != 0 {
			t.Fatalf("offline check: exit %d\n%s", code, stderr)
		}
		snapPath := filepath.Join(t.TempDir(), "before.json")
		if code, _, stderr := runWith(t, a, with([]string{"snapshot", "-f", snapPath}, liveArgs)...); code != 0 {
			t.Fatalf("live snapshot: exit %d\n%s", code, stderr)
		}
		if code, _, stderr := runWith(t, a, "verify", snapPath); code != 0 {
			t.Fatalf("verify: exit %d\n%s", code, stderr)
		}
		code, snapOut, stderr := runWith(t, a, "check", snapPath, "-o", "json", "--now", "2026-11-27")
		if code != 0 {
			t.Fatalf("check of the snapshot: exit %d\n%s", code, stderr)
		}
		live := findingsOf(t, liveOut)
		if len(live) < 40 {
			t.Fatalf("only %d findings", len(live))
		}
		if d := cmp.Diff(findingsOf(t, offOut), live); d != "" {
			t.Errorf("offline and live verdicts differ (-offline +live):\n%s", d)
		}
		if d := cmp.Diff(live, findingsOf(t, snapOut)); d != "" {
			t.Errorf("live and snapshot verdicts differ (-live +snapshot):\n%s", d)
		}
	})
}

// Flag mistakes of a live run are usage errors caught before anything is read.
func TestLiveFlagErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"both sides skipped", []string{"check", "--skip-azure", "--skip-kube"}, "--skip-azure and --skip-kube together leave nothing to audit"},
		{"Azure flags incomplete", []string{"check", "--cluster-name", "aks"}, "needs --subscription, --resource-group too"},
		{"page size zero", []string{"check", "--skip-kube", "--subscription", "s", "-g", "rg", "--cluster-name", "c", "--page-size", "0"}, "must be positive"},
		{"files and live flags", []string{"snapshot", "captures/", "--context", "prod"}, "give files or live flags, not both"},
		{"neither", []string{"snapshot"}, "or read the cluster live with --subscription"},
		{"missing kubeconfig", []string{"check", "--skip-azure", "--kubeconfig", "/nonexistent/kubeconfig"}, "or pass --skip-kube"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != int(ExitUsage) || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 with %q", code, stderr, tt.want)
			}
		})
	}
}
