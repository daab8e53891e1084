package simulate

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/syspool/syspool/internal/snapshot"
)

// UpgradeSettings are a pool's surge upgrade settings as the AKS API spells them; empty or zero
// fields take the pool's value, then the API default.
type UpgradeSettings struct {
	MaxSurge                  string `json:"maxSurge,omitempty"`
	MaxUnavailable            string `json:"maxUnavailable,omitempty"`
	DrainTimeoutInMinutes     int    `json:"drainTimeoutInMinutes,omitempty"`
	NodeSoakDurationInMinutes int    `json:"nodeSoakDurationInMinutes,omitempty"`
	UndrainableNodeBehavior   string `json:"undrainableNodeBehavior,omitempty"`
}

// UpgradePlan is how AKS would roll a pool, resolved from its settings (DOC-ROLL,
// https://learn.microsoft.com/azure/aks/upgrade-aks-node-pools-rolling, and the
// AgentPoolUpgradeSettings API reference).
type UpgradePlan struct {
	Nodes          int `json:"nodes"`
	Surge          int `json:"surge"`
	MaxUnavailable int `json:"maxUnavailable"`
	// BatchSize nodes are cordoned and drained together: maxSurge when it is above 0, else
	// maxUnavailable.
	BatchSize               int    `json:"batchSize"`
	Batches                 int    `json:"batches"`
	DrainTimeoutMinutes     int    `json:"drainTimeoutInMinutes"`
	SoakMinutes             int    `json:"nodeSoakDurationInMinutes"`
	UndrainableNodeBehavior string `json:"undrainableNodeBehavior"`
	// Explain says how each figure was resolved, for evidence.
	Explain []string `json:"explain"`
}

// API defaults (AgentPoolUpgradeSettings reference; DOC-ROLL): maxSurge 10% rounded up, which is
// the "one extra node" the rolling-upgrade page gives for pools of up to ten nodes; maxUnavailable
// 0; drain timeout 30 minutes; soak 0; undrainable nodes are made schedulable again (Schedule).
const (
	defaultMaxSurge     = "10%"
	defaultDrainTimeout = 30
	defaultUndrainable  = "Schedule"
)

// ResolveCount reads an int-or-percent node count against total nodes; percentages round up,
// and a value above total is total (DOC-ROLL: "the number of nodes to be upgraded is used").
func ResolveCount(v string, total int) (int, error) {
	v = strings.TrimSpace(v)
	var n int
	if pct, ok := strings.CutSuffix(v, "%"); ok {
		f, err := strconv.ParseFloat(pct, 64)
		if err != nil || f < 0 {
			return 0, fmt.Errorf("%q is not a percentage", v)
		}
		n = int(math.Ceil(f * float64(total) / 100))
	} else {
		i, err := strconv.Atoi(v)
		if err != nil || i < 0 {
			return 0, fmt.Errorf("%q is neither a node count nor a percentage", v)
		}
		n = i
	}
	return min(n, total), nil
}

// ResolveUpgrade resolves the surge settings of pool p, which has nodes nodes, with override on
// top. It refuses what AKS refuses: maxUnavailable on a System pool, and maxSurge and
// maxUnavailable both 0.
func ResolveUpgrade(p *snapshot.Pool, nodes int, override *UpgradeSettings) (UpgradePlan, error) {
	set := UpgradeSettings{MaxSurge: p.Upgrade.MaxSurge, MaxUnavailable: p.Upgrade.MaxUnavailable,
		UndrainableNodeBehavior: p.Upgrade.UndrainableNodeBehavior}
	if d := p.Upgrade.DrainTimeoutInMinutes; d != nil {
		set.DrainTimeoutInMinutes = *d
	}
	if d := p.Upgrade.NodeSoakDurationInMinutes; d != nil {
		set.NodeSoakDurationInMinutes = *d
	}
	if o := override; o != nil {
		set.MaxSurge = firstNonEmpty(o.MaxSurge, set.MaxSurge)
		set.MaxUnavailable = firstNonEmpty(o.MaxUnavailable, set.MaxUnavailable)
		set.UndrainableNodeBehavior = firstNonEmpty(o.UndrainableNodeBehavior, set.UndrainableNodeBehavior)
		if o.DrainTimeoutInMinutes > 0 {
			set.DrainTimeoutInMinutes = o.DrainTimeoutInMinutes
		}
		if o.NodeSoakDurationInMinutes > 0 {
			set.NodeSoakDurationInMinutes = o.NodeSoakDurationInMinutes
		}
	}
	up := UpgradePlan{Nodes: nodes}
	surge := set.MaxSurge
	if surge == "" {
		surge = defaultMaxSurge
		up.Explain = append(up.Explain, "maxSurge unset: the API default 10% applies")
	}
	var err error
	if up.Surge, err = ResolveCount(surge, nodes); err != nil {
		return up, fmt.Errorf("maxSurge: %w", err)
	}
	up.Explain = append(up.Explain, fmt.Sprintf("maxSurge %s of %d node(s) = %d surge node(s)", surge, nodes, up.Surge))
	if set.MaxUnavailable != "" {
		if up.MaxUnavailable, err = ResolveCount(set.MaxUnavailable, nodes); err != nil {
			return up, fmt.Errorf("maxUnavailable: %w", err)
		}
	}
	if up.MaxUnavailable > 0 && p.IsSystem() {
		return up, fmt.Errorf("maxUnavailable %s is set on System pool %s, which AKS refuses (\"You can't set max unavailable "+
			"on system node pools\")", set.MaxUnavailable, p.Name)
	}
	if up.Surge == 0 && up.MaxUnavailable == 0 && nodes > 0 {
		return up, fmt.Errorf("maxSurge and maxUnavailable are both 0 on pool %s: AKS requires maxSurge > 0 when maxUnavailable is 0", p.Name)
	}
	up.BatchSize = up.Surge
	if up.BatchSize == 0 {
		up.BatchSize = up.MaxUnavailable
		up.Explain = append(up.Explain, fmt.Sprintf("no surge: %d node(s) at a time are drained in place (maxUnavailable)", up.BatchSize))
	}
	if up.BatchSize > 0 {
		up.Batches = (nodes + up.BatchSize - 1) / up.BatchSize
	}
	up.DrainTimeoutMinutes = set.DrainTimeoutInMinutes
	if up.DrainTimeoutMinutes == 0 {
		up.DrainTimeoutMinutes = defaultDrainTimeout
		up.Explain = append(up.Explain, "drainTimeoutInMinutes unset: the default 30 applies")
	}
	up.SoakMinutes = set.NodeSoakDurationInMinutes
	up.UndrainableNodeBehavior = firstNonEmpty(set.UndrainableNodeBehavior, defaultUndrainable)
	return up, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// surgeUpgrade rolls a pool as DOC-ROLL describes: add the surge nodes, then cordon and drain
// BatchSize old nodes at a time; drained nodes are reimaged and take pods again; at the end the
// buffer nodes go. A blocked batch stops the upgrade (undrainableNodeBehavior Schedule: the
// nodes are made schedulable, not upgraded) or is quarantined (Cordon: the nodes stay cordoned
// with their pods, one surge node is kept for each, and the upgrade goes on).
func (s *Sim) surgeUpgrade(sc Scenario) (*Outcome, error) {
	if err := s.knownPool(sc.Pool); err != nil {
		return nil, err
	}
	nodes := s.poolNodes(sc.Pool)
	p, ok := s.pools[sc.Pool]
	if !ok || len(nodes) == 0 {
		return nil, fmt.Errorf("pool %s has no captured nodes to upgrade", sc.Pool)
	}
	up, err := ResolveUpgrade(p, len(nodes), sc.Upgrade)
	if err != nil {
		return nil, err
	}
	o := &Outcome{Upgrade: &up, Summary: fmt.Sprintf("surge-upgrade pool %s: %d node(s), %d surge node(s), %d batch(es) of %d, "+
		"drain timeout %d min, soak %d min, undrainable nodes: %s", sc.Pool, up.Nodes, up.Surge, up.Batches, up.BatchSize,
		up.DrainTimeoutMinutes, up.SoakMinutes, up.UndrainableNodeBehavior)}
	var surge []*node
	if up.Surge > 0 {
		if surge, err = s.synthesize(specOf(p, sc.Pool, nodes), up.Surge, "surge", nodes[0]); err != nil {
			return nil, err
		}
		for _, n := range surge {
			o.AddedNodes = append(o.AddedNodes, n.info())
		}
	}
	upgraded := append([]*node(nil), surge...)
	quarantined, stopped := 0, false
	for i := 0; i < len(nodes) && !stopped; i += up.BatchSize {
		batch := nodes[i:min(i+up.BatchSize, len(nodes))]
		b := s.disrupt(batch, nil, evict)
		if i == 0 {
			for _, n := range surge {
				b.Added = append(b.Added, n.name)
			}
		}
		for _, n := range batch {
			switch {
			case !holdsPods(n):
				n.setCordoned(false) // reimaged: back as an upgraded, empty node
				upgraded = append(upgraded, n)
			case up.UndrainableNodeBehavior == "Cordon":
				s.setLabel(n, "kubernetes.azure.com/upgrade-status", "Quarantined")
				b.Quarantined = true
				quarantined++
			default:
				n.setCordoned(false) // made schedulable again, not upgraded
				b.Stopped, stopped = true, true
			}
		}
		o.Batches = append(o.Batches, b)
	}
	// Buffer nodes leave at the end: all surge nodes when the upgrade stopped, otherwise as many
	// as were added minus one kept per quarantined node, taking the emptiest upgraded nodes.
	remove := max(0, up.Surge-quarantined)
	cands := upgraded
	if stopped {
		cands, remove = surge, len(surge)
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := movable(cands[i]), movable(cands[j])
		if a != b {
			return a < b
		}
		return cands[i].name > cands[j].name
	})
	if gone := cands[:min(remove, len(cands))]; len(gone) > 0 {
		b := s.disrupt(gone, nil, evict)
		if len(b.Placements)+len(b.Unplaced)+len(b.Blockers)+len(b.Lost) > 0 {
			o.Batches = append(o.Batches, b)
		}
		for _, n := range gone {
			if !holdsPods(n) {
				s.removeNode(n)
				o.RemovedNodes = append(o.RemovedNodes, n.name)
			}
		}
	}
	return o, nil
}

// movable counts the pods a drain would move off n.
func movable(n *node) int {
	k := 0
	for _, p := range n.pods {
		if !p.ds && p.p.Owner.Kind != "Node" {
			k++
		}
	}
	return k
}

func holdsPods(n *node) bool { return movable(n) > 0 }
