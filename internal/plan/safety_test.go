package plan

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/syspool/syspool/internal/simulate"
	"github.com/syspool/syspool/internal/snapshot"
)

// The safety property, checked on every plan for thousands of generated clusters and requests:
//
//  1. No step leaves the cluster with zero healthy System pools, when it had one to begin with.
//  2. A step that deletes a System pool, or turns it into a User pool, is gated on another System
//     pool reporting Succeeded, Ready nodes and the kube-system pods running on it; and that pool
//     is healthy: it was healthy in the capture, or the plan added it and a gate verified it.
//  3. Every step that costs money or changes the cluster has a gate, a rollback and exact commands,
//     and no command creates a pool AKS would refuse (Spot, Windows or maxUnavailable System pools,
//     hard custom taints on System pools).
//
// The replay below is written from the property, not from the planner: it reads only the steps'
// machine-readable effects and gate conditions.

// poolModel is what the replay knows about one pool.
type poolModel struct {
	system, exists, cordoned bool
	// healthyAtStart comes from the capture (plan.Healthy); verified from a gate of this plan.
	healthyAtStart, added, verified bool
}

func (m *poolModel) healthy() bool {
	return m.exists && m.system && !m.cordoned && ((!m.added && m.healthyAtStart) || (m.added && m.verified))
}

func healthyCount(pools map[string]*poolModel) int {
	k := 0
	for _, m := range pools {
		if m.healthy() {
			k++
		}
	}
	return k
}

func requires(c *Check, kind CondKind, pool string) bool {
	if c == nil {
		return false
	}
	for _, r := range c.Requires {
		if r.Kind == kind && r.Pool == pool {
			return true
		}
	}
	return false
}

// replay checks p against the property and returns the first violation.
func replay(s *snapshot.Snapshot, p *Plan) error {
	ix := snapshot.NewIndex(s)
	pools := map[string]*poolModel{}
	for i := range s.Pools {
		sp := &s.Pools[i]
		pools[sp.Name] = &poolModel{system: sp.IsSystem(), exists: true, healthyAtStart: Healthy(ix, sp)}
	}
	start := healthyCount(pools)
	for _, st := range p.Steps {
		if st.Class != ReadOnly && (st.Gate == nil || st.Rollback == "" || len(st.Commands) == 0) {
			return fmt.Errorf("step %d (%s) is %s without a gate, rollback or command", st.N, st.Title, st.Class)
		}
		if st.Class == ReadOnly && st.Effect.Kind != NoEffect {
			return fmt.Errorf("read-only step %d has effect %s", st.N, st.Effect.Kind)
		}
		// A gate that checks a pool Succeeded with Ready nodes is where an added pool earns trust.
		for name, m := range pools {
			if m.added && requires(st.Gate, PoolSucceeded, name) && requires(st.Gate, NodesReady, name) {
				m.verified = true
			}
		}
		e := st.Effect
		m := pools[e.Pool]
		retiring := m != nil && m.system && (e.Kind == DeletePool || (e.Kind == SetMode && e.Mode != snapshot.ModeSystem))
		if retiring {
			ok := false
			for name, q := range pools {
				if name != e.Pool && q.healthy() && requires(st.Gate, PoolSucceeded, name) &&
					requires(st.Gate, NodesReady, name) && requires(st.Gate, SystemPodsOn, name) {
					ok = true
				}
			}
			if !ok {
				return fmt.Errorf("step %d retires System pool %s without a healthy, verified replacement running the kube-system pods", st.N, e.Pool)
			}
		}
		switch e.Kind {
		case AddPool:
			pools[e.Pool] = &poolModel{system: e.Mode == snapshot.ModeSystem, exists: true, added: true}
			if err := checkAddCommand(st.Commands[0], e.Mode); err != nil {
				return fmt.Errorf("step %d: %w", st.N, err)
			}
		case DeletePool:
			m.exists = false
		case SetMode:
			m.system = e.Mode == snapshot.ModeSystem
		case CordonPool:
			m.cordoned = true
		case Uncordon:
			m.cordoned = false
		}
		if start > 0 && healthyCount(pools) == 0 {
			return fmt.Errorf("after step %d (%s) no System pool is healthy", st.N, st.Title)
		}
	}
	return nil
}

// checkAddCommand holds an `az aks nodepool add` to what AKS accepts for its mode.
func checkAddCommand(cmd, mode string) error {
	if mode != snapshot.ModeSystem {
		return nil
	}
	for _, bad := range []string{"--priority Spot", "--os-type Windows", "--max-unavailable"} {
		if strings.Contains(cmd, bad) {
			return fmt.Errorf("System pool created with %s: %s", bad, cmd)
		}
	}
	if i := strings.Index(cmd, "--node-taints "); i >= 0 {
		list := strings.Trim(strings.Fields(cmd[i+len("--node-taints "):])[0], "'")
		for _, t := range strings.Split(list, ",") {
			if t != "" && !strings.HasPrefix(strings.ToLower(t), "criticaladdonsonly") && !strings.HasSuffix(t, ":PreferNoSchedule") {
				return fmt.Errorf("System pool created with taint %s: %s", t, cmd)
			}
		}
	}
	return nil
}

func TestSafetyProperty(t *testing.T) {
	const clusters = 400
	rng := rand.New(rand.NewPCG(20261127, 1))
	built := map[Action]int{}
	refused := map[Action]int{}
	for i := 0; i < clusters; i++ {
		s := genCluster(rng)
		for _, a := range Actions {
			for k := 0; k < 3; k++ {
				req := genRequest(rng, s, a)
				p, err := Build(s, req, Options{})
				if err != nil {
					t.Fatalf("cluster %d, %+v: %v", i, req, err)
				}
				if len(p.Refused) > 0 {
					refused[a]++
					if len(p.Steps) > 0 {
						t.Fatalf("cluster %d: a refused plan has steps", i)
					}
					continue
				}
				built[a]++
				if err := replay(s, p); err != nil {
					t.Fatalf("cluster %d, request %+v: %v\nplan: %s\npools: %+v", i, req, err, outline(p), s.Pools)
				}
			}
		}
	}
	// The generator must reach both sides of every action, or the property says little.
	for _, a := range Actions {
		if built[a] < 20 || refused[a] < 20 {
			t.Errorf("%s: %d plans built, %d refused; the generator needs to reach both", a, built[a], refused[a])
		}
	}
	t.Logf("plans built %v, refused %v", built, refused)
}

func TestReplayCatchesUnsafePlans(t *testing.T) {
	s := newCluster().pool("sys", "System", 3).addons("sys", 1).snap()
	p, err := Build(s, Request{Action: Replace, Pool: "sys", New: PoolSpec{VMSize: "Standard_D8ds_v5"}}, Options{})
	if err != nil || replay(s, p) != nil {
		t.Fatalf("the real plan must pass: %v %v", err, replay(s, p))
	}
	// Drop the gate that checks the kube-system pods on the new pool: the delete is now unsafe.
	del := &p.Steps[len(p.Steps)-2]
	del.Gate = &Check{Requires: []Condition{{Kind: PoolSucceeded, Pool: "sysv2"}, {Kind: NodesReady, Pool: "sysv2"}}}
	if err := replay(s, p); err == nil || !strings.Contains(err.Error(), "retires System pool sys") {
		t.Errorf("replay missed a delete without the system-pods gate: %v", err)
	}
	// Cordon the old pool before the new one is verified.
	p, _ = Build(s, Request{Action: Replace, Pool: "sys", New: PoolSpec{VMSize: "Standard_D8ds_v5"}}, Options{})
	p.Steps[2].Gate = &Check{Description: "none"}
	if err := replay(s, p); err == nil || !strings.Contains(err.Error(), "no System pool is healthy") {
		t.Errorf("replay missed a cordon before the new pool was verified: %v", err)
	}
}

var sizes = []string{"Standard_D4ds_v5", "Standard_D2s_v3", "Standard_D8ds_v5", "Standard_B2s", "Standard_DS1_v2", "Standard_Nope_v9"}

func pick[T any](rng *rand.Rand, xs ...T) T { return xs[rng.IntN(len(xs))] }

// genCluster makes a random cluster: one to four pools, System or User, healthy or not (failed
// provisioning, stopped, no Ready node), Spot and Windows ones, with add-ons and PDBs.
func genCluster(rng *rand.Rand) *snapshot.Snapshot {
	c := newCluster()
	if rng.IntN(20) == 0 {
		c.s.Cluster.PowerState = "Stopped"
	}
	if rng.IntN(20) == 0 {
		c.s.Coverage[snapshot.KindPods] = snapshot.KindCoverage{}
	}
	names := rng.Perm(6)
	for i := 0; i < 1+rng.IntN(4); i++ {
		name := []string{"sys", "system", "np1", "apps", "spot", "win"}[names[i]]
		mode := pick(rng, "System", "System", "User")
		n := rng.IntN(4)
		c.pool(name, mode, n, func(p *snapshot.Pool) {
			p.ProvisioningState = pick(rng, "Succeeded", "Succeeded", "Succeeded", "Failed", "Updating")
			p.PowerState = pick(rng, "Running", "Running", "Running", "Stopped")
			p.VMSize = pick(rng, sizes[:4]...)
			if rng.IntN(8) == 0 {
				p.ScaleSetPriority = "Spot"
			}
			if rng.IntN(8) == 0 {
				p.OSType = "Windows"
			}
			p.Upgrade.MaxSurge = pick(rng, "", "1", "33%", "0")
			p.Upgrade.MaxUnavailable = pick(rng, "", "", "0", "1")
			p.EnableAutoScaling = rng.IntN(3) == 0
			p.MinCount, p.MaxCount = iptr(n), iptr(n+2)
			if rng.IntN(3) == 0 {
				p.Zones = nil
			}
		})
		for j := range c.s.Nodes {
			if c.s.Nodes[j].Pool == name && rng.IntN(6) == 0 {
				c.s.Nodes[j].Ready = "False"
			}
		}
		if n > 0 && rng.IntN(2) == 0 {
			c.addons(name, int32(rng.IntN(2)))
		}
	}
	return c.snap()
}

// genRequest makes a request of action a, mostly against existing pools, with specs that are
// valid about half the time.
func genRequest(rng *rand.Rand, s *snapshot.Snapshot, a Action) Request {
	req := Request{Action: a, Retire: pick(rng, RetireDelete, RetireDelete, RetireDemote)}
	if len(s.Pools) > 0 && rng.IntN(12) > 0 {
		req.Pool = s.Pools[rng.IntN(len(s.Pools))].Name
	} else {
		req.Pool = "nope"
	}
	spec := PoolSpec{Name: pick(rng, "", "sysv2", "apps", "Bad_Name", "abcdefghijklm", "s2"),
		Mode: pick(rng, "", "System", "User"), VMSize: pick(rng, append([]string{""}, sizes...)...), Count: rng.IntN(4)}
	if rng.IntN(3) == 0 {
		spec.Zones = []string{"1", "2", "3"}
	}
	switch rng.IntN(4) {
	case 0:
		spec.Taints = taints(critical)
	case 1:
		spec.Taints = taints(snapshot.Taint{Key: "team", Value: "a", Effect: pick(rng, "NoSchedule", "PreferNoSchedule")})
	}
	spec.Spot = rng.IntN(8) == 0
	if rng.IntN(8) == 0 {
		spec.OSType = "Windows"
	}
	if rng.IntN(8) == 0 {
		spec.MaxUnavailable = "1"
	}
	if a == Add && spec.Name == "" {
		spec.Name = "added"
	}
	req.New = spec
	if a == Upgrade {
		req.NodeImageOnly = rng.IntN(2) == 0
		if !req.NodeImageOnly {
			req.KubernetesVersion = pick(rng, "1.35.8", "1.35.9", "1.34.2", "1.36.1", "")
		}
		req.Upgrade = simulate.UpgradeSettings{MaxSurge: pick(rng, "", "2", "50%"), MaxUnavailable: pick(rng, "", "", "1")}
	}
	return req
}
