package plan

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syspool/syspool/internal/simulate"
	"github.com/syspool/syspool/internal/snapshot"
)

// outline reduces a plan to "class title" per step, which is what a reviewer reads first.
func outline(p *Plan) []string {
	var out []string
	for _, st := range p.Steps {
		out = append(out, string(st.Class)+" "+st.Title)
	}
	return out
}

func taints(ts ...snapshot.Taint) *[]snapshot.Taint { return &ts }

func TestBuild(t *testing.T) {
	twoSystem := func() *cluster {
		return newCluster().pool("sys", "System", 3).addons("sys", 1).pool("sys2", "System", 2).pool("apps", "User", 2)
	}
	tests := []struct {
		name     string
		c        *cluster
		req      Request
		verdict  Verdict
		outline  []string
		blockers []string // kind at step
		refused  string   // substring of the first refusal
		warning  string
	}{
		{
			name: "replace a System pool, then delete it",
			c:    newCluster().pool("sys", "System", 3).addons("sys", 1).pool("apps", "User", 2),
			req:  Request{Action: Replace, Pool: "sys", New: PoolSpec{VMSize: "Standard_D8ds_v5"}},
			outline: []string{
				"read-only Confirm the target cluster and record its current state",
				"cost-impacting Add System pool sysv2: 3 × Standard_D8ds_v5, zones 1, 2, 3",
				"mutating Cordon every node of pool sys",
				"mutating Drain node aks-sys-1234-vmss000000",
				"mutating Drain node aks-sys-1234-vmss000001",
				"mutating Drain node aks-sys-1234-vmss000002",
				"mutating Delete pool sys",
				"read-only Capture the cluster again and re-run syspool check",
			},
			verdict: Ready,
		},
		{
			name: "a PDB at zero blocks the first drain of a replace",
			c:    newCluster().pool("sys", "System", 3).addons("sys", 0).pool("apps", "User", 2),
			req:  Request{Action: Resize, Pool: "sys", New: PoolSpec{VMSize: "Standard_D8ds_v5"}},
			// coredns on nodes 0 and 1, konnectivity-agent on nodes 1 and 2: each drain is held
			blockers: []string{"pdb@4", "pdb@5", "pdb@5", "pdb@6"},
			verdict:  Blocked,
		},
		{
			name: "demote moves only the kube-system Deployments and keeps the old pool as a User pool",
			c: newCluster().pool("np1", "System", 2, func(p *snapshot.Pool) { p.Taints = nil }).addons("np1", 1).
				pod("shop", "web-0", "aks-np1-1234-vmss000000", 500, snapshot.Owner{Kind: "Deployment", Name: "web"}),
			req: Request{Action: Replace, Pool: "np1", Retire: RetireDemote,
				New: PoolSpec{Name: "system", Taints: taints(critical), Zones: []string{"1", "2", "3"}}},
			outline: []string{
				"read-only Confirm the target cluster and record its current state",
				"cost-impacting Add System pool system: 2 × Standard_D4ds_v5, zones 1, 2, 3",
				"mutating Cordon every node of pool np1",
				"mutating Restart the kube-system workloads on np1 so they start on system",
				"mutating Make np1 a User pool",
				"mutating Uncordon np1 for application pods",
				"read-only Capture the cluster again and re-run syspool check",
			},
			verdict: Ready,
		},
		{
			name:    "removing the last System pool is refused",
			c:       newCluster().pool("sys", "System", 3).addons("sys", 1).pool("apps", "User", 2),
			req:     Request{Action: Remove, Pool: "sys"},
			refused: "pool sys is the last System pool",
			verdict: Refused,
		},
		{
			name: "removing a System pool whose only peer is failed is refused",
			c: newCluster().pool("sys", "System", 3).addons("sys", 1).
				pool("sys2", "System", 2, func(p *snapshot.Pool) { p.ProvisioningState = "Failed" }),
			req:     Request{Action: Remove, Pool: "sys"},
			refused: "no other System pool is healthy",
			verdict: Refused,
		},
		{
			name: "removing a System pool with a healthy peer drains onto it",
			c:    twoSystem(),
			req:  Request{Action: Remove, Pool: "sys"},
			outline: []string{
				"read-only Confirm the target cluster and record its current state",
				"mutating Cordon every node of pool sys",
				"mutating Drain node aks-sys-1234-vmss000000",
				"mutating Drain node aks-sys-1234-vmss000001",
				"mutating Drain node aks-sys-1234-vmss000002",
				"mutating Delete pool sys",
				"read-only Capture the cluster again and re-run syspool check",
			},
			verdict: Ready,
		},
		{
			name:    "resize to the same size is refused",
			c:       twoSystem(),
			req:     Request{Action: Resize, Pool: "sys", New: PoolSpec{VMSize: "standard_d4ds_v5"}},
			refused: "already runs Standard_D4ds_v5",
			verdict: Refused,
		},
		{
			name:    "a replacement System pool cannot be a User pool",
			c:       twoSystem(),
			req:     Request{Action: Replace, Pool: "sys", New: PoolSpec{Mode: "User"}},
			refused: "must be a System pool",
			verdict: Refused,
		},
		{
			name:    "add: Spot System pool",
			c:       twoSystem(),
			req:     Request{Action: Add, New: PoolSpec{Name: "spotsys", Mode: "System", VMSize: "Standard_D4ds_v5", Spot: true}},
			refused: "cannot run on Spot VMs",
			verdict: Refused,
		},
		{
			name:    "add: Windows System pool",
			c:       twoSystem(),
			req:     Request{Action: Add, New: PoolSpec{Name: "winsys", Mode: "System", VMSize: "Standard_D4ds_v5", OSType: "Windows"}},
			refused: "must run Linux",
			verdict: Refused,
		},
		{
			name:    "add: custom hard taint on a System pool",
			c:       twoSystem(),
			req:     Request{Action: Add, New: PoolSpec{Name: "sys3", Mode: "System", VMSize: "Standard_D4ds_v5", Taints: taints(snapshot.Taint{Key: "team", Value: "a", Effect: "NoSchedule"})}},
			refused: "taint team=a:NoSchedule is not allowed on a System pool",
			verdict: Refused,
		},
		{
			name:    "add: maxUnavailable on a System pool",
			c:       twoSystem(),
			req:     Request{Action: Add, New: PoolSpec{Name: "sys3", Mode: "System", VMSize: "Standard_D4ds_v5", MaxUnavailable: "1"}},
			refused: "maxUnavailable cannot be set on a System pool",
			verdict: Refused,
		},
		{
			name:    "add: a name AKS refuses",
			c:       twoSystem(),
			req:     Request{Action: Add, New: PoolSpec{Name: "system-pool-2", Mode: "User", VMSize: "Standard_D4ds_v5"}},
			refused: `pool name "system-pool-2" is not valid`,
			verdict: Refused,
		},
		{
			name:    "add: an existing name (VM size and zones are immutable)",
			c:       twoSystem(),
			req:     Request{Action: Add, New: PoolSpec{Name: "apps", Mode: "User", VMSize: "Standard_D8ds_v5"}},
			refused: "pool apps already exists",
			verdict: Refused,
		},
		{
			name:    "add: a User pool is fine and warns about nothing",
			c:       twoSystem(),
			req:     Request{Action: Add, New: PoolSpec{Name: "batch", VMSize: "Standard_F16s_v2", Count: 2}},
			outline: []string{"read-only Confirm the target cluster and record its current state", "cost-impacting Add User pool batch: 2 × Standard_F16s_v2, no zones", "read-only Capture the cluster again and re-run syspool check"},
			verdict: Ready,
		},
		{
			name:    "add: a System pool says its pods will not move by themselves",
			c:       twoSystem(),
			req:     Request{Action: Add, New: PoolSpec{Name: "sys3", Mode: "System", VMSize: "Standard_D4ds_v5", Taints: taints(critical)}},
			warning: "kube-system pods do not move to a new System pool by themselves",
			verdict: Ready,
		},
		{
			name:    "upgrade: downgrade refused",
			c:       twoSystem(),
			req:     Request{Action: Upgrade, Pool: "sys", KubernetesVersion: "1.34.9"},
			refused: "AKS does not downgrade a node pool",
			verdict: Refused,
		},
		{
			name:    "upgrade: above the control plane refused, with the command that fixes it",
			c:       twoSystem(),
			req:     Request{Action: Upgrade, Pool: "sys", KubernetesVersion: "1.36.3"},
			refused: "upgrade the control plane first with az aks upgrade --subscription 0000-sub -g rg-prod -n aks-prod --control-plane-only",
			verdict: Refused,
		},
		{
			name:    "upgrade: maxUnavailable on a System pool refused",
			c:       twoSystem(),
			req:     Request{Action: Upgrade, Pool: "sys", NodeImageOnly: true, Upgrade: simulate.UpgradeSettings{MaxUnavailable: "1"}},
			refused: "maxUnavailable cannot be set on a System pool",
			verdict: Refused,
		},
		{
			name: "upgrade: node image with new settings",
			c:    twoSystem(),
			req:  Request{Action: Upgrade, Pool: "sys", NodeImageOnly: true, Upgrade: simulate.UpgradeSettings{MaxSurge: "33%", UndrainableNodeBehavior: "Cordon"}},
			outline: []string{
				"read-only Confirm the target cluster and record its current state",
				"mutating Set the upgrade settings of sys",
				"mutating Surge-upgrade pool sys (1 surge node(s), 3 batch(es) of 1; surge nodes are billed while they run)",
				"read-only Capture the cluster again and re-run syspool check",
			},
			verdict: Ready,
		},
		{
			name:    "a stopped cluster takes no pool change",
			c:       func() *cluster { c := twoSystem(); c.s.Cluster.PowerState = "Stopped"; return c }(),
			req:     Request{Action: Upgrade, Pool: "sys", NodeImageOnly: true},
			refused: "the cluster is stopped",
			verdict: Refused,
		},
		{
			name:    "an unknown pool is refused with the valid names",
			c:       twoSystem(),
			req:     Request{Action: Remove, Pool: "nope"},
			refused: `no pool "nope" in the capture (pools: apps, sys, sys2)`,
			verdict: Refused,
		},
		{
			name: "without pods the plan is incomplete, not ready",
			c: func() *cluster {
				c := twoSystem()
				c.s.Coverage[snapshot.KindPods] = snapshot.KindCoverage{}
				return c
			}(),
			req:     Request{Action: Upgrade, Pool: "sys", NodeImageOnly: true},
			verdict: Incomplete,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Build(tt.c.snap(), tt.req, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Verdict(); got != tt.verdict {
				t.Errorf("verdict %s, want %s (refused %v, blockers %v, incomplete %v)", got, tt.verdict, p.Refused, p.Blockers, p.Incomplete)
			}
			if tt.outline != nil {
				if diff := cmp.Diff(tt.outline, outline(p)); diff != "" {
					t.Errorf("steps (-want +got):\n%s", diff)
				}
			}
			if tt.blockers != nil {
				var got []string
				for _, b := range p.Blockers {
					got = append(got, b.Kind+"@"+itoa(b.Step))
				}
				if diff := cmp.Diff(tt.blockers, got); diff != "" {
					t.Errorf("blockers (-want +got):\n%s\n%v", diff, p.Blockers)
				}
			}
			if tt.refused != "" && (len(p.Refused) == 0 || !strings.Contains(p.Refused[0], tt.refused)) {
				t.Errorf("refused %q, want it to contain %q", p.Refused, tt.refused)
			}
			if tt.warning != "" && !strings.Contains(strings.Join(p.Warnings, "\n"), tt.warning) {
				t.Errorf("warnings %q do not contain %q", p.Warnings, tt.warning)
			}
		})
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func TestCommandsCarryTheIdentity(t *testing.T) {
	p, err := Build(newCluster().pool("sys", "System", 3).addons("sys", 1).snap(),
		Request{Action: Replace, Pool: "sys", New: PoolSpec{VMSize: "Standard_D8ds_v5"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range p.Steps {
		for _, c := range st.Commands {
			switch {
			case strings.HasPrefix(c, "az aks nodepool"):
				if !strings.Contains(c, "--subscription 0000-sub -g rg-prod --cluster-name aks-prod") {
					t.Errorf("step %d: %q lacks the cluster identity", st.N, c)
				}
			case strings.HasPrefix(c, "kubectl"):
				if !strings.HasPrefix(c, "kubectl --context aks-prod ") {
					t.Errorf("step %d: %q lacks --context", st.N, c)
				}
			}
		}
	}
	// Without identity the commands carry placeholders, never a guess.
	c := newCluster().pool("sys", "System", 3).addons("sys", 1)
	c.s.Cluster.SubscriptionID, c.s.Cluster.ResourceGroup, c.s.Provenance.Identity.KubeContext = "", "", ""
	p, err = Build(c.snap(), Request{Action: Upgrade, Pool: "sys", NodeImageOnly: true}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Steps[1].Commands[0]; !strings.Contains(got, "--subscription <subscription> -g <resource-group>") {
		t.Errorf("upgrade command %q has no placeholders", got)
	}
}

func TestUnknownAction(t *testing.T) {
	_, err := Build(newCluster().snap(), Request{Action: "migrate"}, Options{})
	if err == nil || !strings.Contains(err.Error(), "valid: add, resize, replace, upgrade, remove") {
		t.Errorf("err = %v", err)
	}
}
