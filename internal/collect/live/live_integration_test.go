package live_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/syspool/syspool/internal/checks"
	"github.com/syspool/syspool/internal/collect/arm"
	"github.com/syspool/syspool/internal/collect/files"
	"github.com/syspool/syspool/internal/collect/kube"
	"github.com/syspool/syspool/internal/collect/live"
	"github.com/syspool/syspool/internal/collect/live/livetest"
	"github.com/syspool/syspool/internal/engine"
	"github.com/syspool/syspool/internal/gen"
	"github.com/syspool/syspool/internal/kubetest"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

// cluster is one cluster state: az captures for the Azure side, and a way to put the Kubernetes
// side into an API server.
type cluster struct {
	name            string
	azShow, azPools []byte
	load            func(t *testing.T, env *kubetest.Env)
}

func example(t *testing.T, dir string) cluster {
	root := filepath.Join("..", "..", "..", "examples", dir)
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	return cluster{name: "examples/" + dir, azShow: read("az-aks-show.json"), azPools: read("az-aks-nodepool-list.json"),
		load: func(t *testing.T, env *kubetest.Env) {
			livetest.LoadKubectl(t, env, filepath.Join(root, "kubectl-get-nodes.json"), filepath.Join(root, "kubectl-get-pods-A.json"),
				filepath.Join(root, "kubectl-get-pdb-A.json"), filepath.Join(root, "kubectl-get-deploy-ds-A.json"))
		}}
}

func generated(t *testing.T, p gen.Params) cluster {
	c, err := gen.New(p)
	if err != nil {
		t.Fatal(err)
	}
	show, err := json.Marshal(c.ManagedCluster())
	if err != nil {
		t.Fatal(err)
	}
	pools, err := json.Marshal(c.AgentPools())
	if err != nil {
		t.Fatal(err)
	}
	return cluster{name: "generated " + p.String(), azShow: show, azPools: pools, load: func(t *testing.T, env *kubetest.Env) {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		if err := c.Load(ctx, env.AdminClient(), gen.LoadOptions{}); err != nil {
			t.Fatal(err)
		}
	}}
}

// liveOptions reads the cluster served by a from the API server of env.
func liveOptions(a *livetest.ARM, env *kubetest.Env, user string) live.Options {
	return live.Options{
		Azure: &arm.Options{SubscriptionID: a.SubscriptionID, ResourceGroup: a.ResourceGroup, ClusterName: a.Cluster,
			Credential: a.Credential(), ClientOptions: a.Options(),
			Retry: policy.RetryOptions{MaxRetries: 1, RetryDelay: time.Millisecond, MaxRetryDelay: time.Second}},
		Kube: &kube.Options{Config: env.UserConfig(user), Context: user, PageSize: 100},
		Now:  clock,
	}
}

func run(t *testing.T, s *snapshot.Snapshot) (*rule.Report, *rule.Registry) {
	t.Helper()
	reg, err := rule.NewRegistry(checks.All())
	if err != nil {
		t.Fatal(err)
	}
	return engine.Run(s, engine.Options{Registry: reg, Now: now}), reg
}

// verdict is what must not differ between a live and an offline audit of one cluster state.
type verdict struct {
	Rule, Resource, Status, Severity, Message string
}

func verdicts(rep *rule.Report) map[string]verdict {
	out := map[string]verdict{}
	for _, f := range rep.Findings {
		out[f.Fingerprint] = verdict{f.RuleID, f.Resource.String(), string(f.Status), f.Severity.String(), f.Message}
	}
	return out
}

// TestLiveEqualsOffline is the promise of the live collectors: for the same cluster state, the
// live snapshot is the offline one, and so are the verdicts. The offline side reads the very az
// captures the fake ARM serves, and kubectl-style captures dumped from the same API server.
func TestLiveEqualsOffline(t *testing.T) {
	for _, c := range []cluster{
		example(t, "healthy"),
		example(t, "shared-pool"),
		generated(t, gen.Params{Nodes: 12, Pods: 700, Pools: 3, Seed: 5}),
	} {
		t.Run(c.name, func(t *testing.T) {
			env := kubetest.Start(t, kubetest.Options{})
			began := time.Now()
			c.load(t, env)
			t.Logf("loaded in %s", time.Since(began).Round(time.Millisecond))
			a := livetest.ServeAz(t, c.azShow, c.azPools)

			dir := t.TempDir()
			for name, b := range map[string][]byte{"az-aks-show.json": c.azShow, "az-aks-nodepool-list.json": c.azPools} {
				if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			livetest.DumpKubectl(t, env.AdminClient(), dir)
			offline, err := files.New(files.Options{Paths: []string{dir}, Now: clock}).Collect(context.Background())
			if err != nil {
				t.Fatalf("offline: %v", err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			began = time.Now()
			online, err := live.New(liveOptions(a, env, kubetest.AdminUser)).Collect(ctx)
			if err != nil {
				t.Fatalf("live: %v", err)
			}
			t.Logf("live collection of %d nodes and %d pods took %s", len(online.Nodes), len(online.Pods), time.Since(began).Round(time.Millisecond))

			// Provenance says how each was read and notes name their sources; everything else,
			// coverage included, must be identical.
			if d := cmp.Diff(offline, online, cmpopts.IgnoreFields(snapshot.Snapshot{}, "Provenance", "Notes")); d != "" {
				t.Errorf("live snapshot differs from the offline one (-offline +live):\n%s", d)
			}
			offRep, _ := run(t, offline)
			onRep, _ := run(t, online)
			if d := cmp.Diff(verdicts(offRep), verdicts(onRep)); d != "" {
				t.Errorf("verdicts differ (-offline +live):\n%s", d)
			}
			if onRep.Counts.Error != 0 || len(onRep.Findings) < 40 {
				t.Errorf("live run: %d findings, %d errors; want every rule evaluated", len(onRep.Findings), onRep.Counts.Error)
			}
			id := online.Provenance.Identity
			if id.SubscriptionName != a.SubscriptionName || id.TenantID != a.TenantID || id.KubeContext != kubetest.AdminUser ||
				id.APIServer != env.Host() || !strings.HasPrefix(id.ContextMatch, "matched: ") {
				t.Errorf("identity = %+v", id)
			}
			t.Logf("%d findings (%d fail, %d error), context %s", len(onRep.Findings), onRep.Counts.Fail, onRep.Counts.Error, id.ContextMatch)
		})
	}
}

// The wrong kube context must stop the run before any pod is read, unless the user insists.
func TestContextMismatch(t *testing.T) {
	env := kubetest.Start(t, kubetest.Options{})
	healthy, shared := example(t, "healthy"), example(t, "shared-pool")
	healthy.load(t, env)
	// Azure says shared-pool; the API server holds healthy's nodes.
	a := livetest.ServeAz(t, shared.azShow, shared.azPools)

	_, err := live.New(liveOptions(a, env, kubetest.AdminUser)).Collect(context.Background())
	var ce *live.ContextError
	if !errors.As(err, &ce) || ce.Match.Verdict != live.Mismatched {
		t.Fatalf("err = %v, want a mismatched ContextError", err)
	}
	for _, want := range []string{`kube context "admin"`, "is not cluster " + a.Cluster, "not the cluster's", "--allow-context-mismatch"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q:\n%s", want, err)
		}
	}

	opts := liveOptions(a, env, kubetest.AdminUser)
	opts.AllowContextMismatch = true
	s, err := live.New(opts).Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if m := s.Provenance.Identity.ContextMatch; !strings.HasPrefix(m, "mismatched: ") || !strings.Contains(m, "--allow-context-mismatch") {
		t.Errorf("ContextMatch = %q", m)
	}
	if len(s.Pods) == 0 {
		t.Error("with --allow-context-mismatch the pods should be read")
	}
}

// A side that is skipped or fails is error findings and never a pass: every rule needing the
// missing data says why it was not evaluated.
func TestMissingSidesAreErrors(t *testing.T) {
	env := kubetest.Start(t, kubetest.Options{})
	c := generated(t, gen.Params{Nodes: 6, Pods: 300, Pools: 2, Seed: 1})
	c.load(t, env)
	a := livetest.ServeAz(t, c.azShow, c.azPools)

	tests := []struct {
		name    string
		opts    func() live.Options
		missing []snapshot.DataKind
		reason  string
	}{
		{name: "kube only (--skip-azure)", opts: func() live.Options {
			o := liveOptions(a, env, kubetest.AdminUser)
			o.Azure, o.AzureSkipped = nil, "not read: --skip-azure (Kubernetes-only audit)"
			return o
		}, missing: []snapshot.DataKind{snapshot.KindCluster, snapshot.KindPools}, reason: "--skip-azure"},
		{name: "Azure only (--skip-kube)", opts: func() live.Options {
			o := liveOptions(a, env, kubetest.AdminUser)
			o.Kube, o.KubeSkipped = nil, "not read: --skip-kube"
			return o
		}, missing: []snapshot.DataKind{snapshot.KindNodes, snapshot.KindPods, snapshot.KindPDBs}, reason: "--skip-kube"},
		{name: "ARM forbids the cluster", opts: func() live.Options {
			a.Fail("cluster", 403)
			a.Fail("pools", 403)
			return liveOptions(a, env, kubetest.AdminUser)
		}, missing: []snapshot.DataKind{snapshot.KindCluster, snapshot.KindPools}, reason: "forbidden (HTTP 403"},
		// Last: it kills the API server.
		{name: "API server killed before the pod list", opts: func() live.Options {
			a.Fail("cluster", 0)
			a.Fail("pools", 0)
			o := liveOptions(a, env, kubetest.AdminUser)
			o.Kube.Progress = func(kind string, _ int, done bool) {
				if kind == "nodes" && done {
					env.StopAPIServer()
				}
			}
			return o
		}, missing: []snapshot.DataKind{snapshot.KindPods, snapshot.KindPDBs, snapshot.KindDeployments}, reason: "the API server did not answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := live.New(tt.opts()).Collect(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range tt.missing {
				if kc := s.Coverage[k]; kc.Present || !strings.Contains(kc.Reason, tt.reason) {
					t.Errorf("coverage[%s] = %+v, want absent: %s", k, kc, tt.reason)
				}
			}
			rep, reg := run(t, s)
			if rep.Counts.Error == 0 {
				t.Fatal("no error findings")
			}
			missing := map[snapshot.DataKind]bool{}
			for _, k := range tt.missing {
				missing[k] = true
			}
			for _, f := range rep.Findings {
				r, _ := reg.Get(f.RuleID)
				for _, need := range r.Needs {
					if (missing[need] || need == snapshot.KindSystemPods && missing[snapshot.KindPods]) && f.Status != rule.Error {
						t.Errorf("%s needs %s, which is missing, but is %s: %s", f.RuleID, need, f.Status, f.Message)
					}
				}
				if f.Status == rule.Error && !strings.Contains(f.Message, tt.reason) && !strings.Contains(f.Message, "not evaluated") {
					t.Errorf("%s: error without the reason: %s", f.RuleID, f.Message)
				}
			}
			t.Logf("%d findings, %d errors", len(rep.Findings), rep.Counts.Error)
		})
	}
}
