package checks

import (
	"strconv"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// poolSpec is the shape of an `az aks nodepool add` for a pool that replaces another. VM size,
// OS, Spot priority, zones and maxPods cannot change on an existing pool (research H-17), so the
// fix for them is always "add a corrected System pool, then retire the old one".
type poolSpec struct {
	name    string
	vmSize  string
	osType  string
	zones   []string
	taints  []snapshot.Taint
	maxPods *int
	// count is used without the autoscaler; min and max with it.
	autoscale       bool
	count, min, max int
	// mode is "System" when empty; specFor sets it for User and Gateway pools.
	mode string
	// extra are further flags, each complete ("--os-sku AzureLinux"), appended in order.
	extra []string
}

// specFrom copies the settings of p worth keeping; the caller then corrects what was wrong.
func specFrom(p *snapshot.Pool) poolSpec {
	s := poolSpec{
		name:    successorName(p.Name),
		vmSize:  p.VMSize,
		zones:   p.Zones,
		taints:  systemPoolTaints(p.Taints),
		maxPods: p.MaxPods,
	}
	n, ok := p.EffectiveMinNodes()
	if !ok || n < 1 {
		n = 3
	}
	s.count = n
	if p.EnableAutoScaling {
		s.autoscale = true
		s.min = n
		s.max = n
		if p.MaxCount != nil && *p.MaxCount > n {
			s.max = *p.MaxCount
		}
	}
	return s
}

// successorName derives a valid pool name (lower-case alphanumeric, at most 12 characters for
// Linux) for the replacement of pool.
func successorName(pool string) string {
	base := strings.ToLower(pool)
	if len(base) > 10 {
		base = base[:10]
	}
	return base + "v2"
}

func (s poolSpec) args() string {
	a := []string{"--mode " + orDefault(s.mode, snapshot.ModeSystem)}
	if s.osType != "" {
		a = append(a, "--os-type "+s.osType)
	}
	if s.vmSize != "" {
		a = append(a, "--node-vm-size "+shellQuote(s.vmSize))
	}
	if s.autoscale {
		a = append(a, "--enable-cluster-autoscaler --min-count "+strconv.Itoa(s.min)+" --max-count "+strconv.Itoa(s.max))
	} else {
		a = append(a, "--node-count "+strconv.Itoa(s.count))
	}
	if len(s.zones) > 0 {
		a = append(a, "--zones "+strings.Join(s.zones, " "))
	}
	if s.maxPods != nil {
		a = append(a, "--max-pods "+strconv.Itoa(*s.maxPods))
	}
	if len(s.taints) > 0 {
		a = append(a, nodeTaintsArg(s.taints))
	}
	a = append(a, s.extra...)
	return strings.Join(a, " ")
}

// specFor is specFrom for a pool of any mode: a User (or Gateway) pool keeps its mode, its OS,
// its Spot priority and all of its own taints, and a Windows pool gets a name within the 6
// characters Windows pools allow. Rules that replace a pool to change an immutable setting start
// here and then correct that one setting.
func specFor(p *snapshot.Pool) poolSpec {
	s := specFrom(p)
	if p.IsWindows() {
		s.name = strings.ToLower(p.Name)
		if len(s.name) > 4 {
			s.name = s.name[:4]
		}
		s.name += "v2"
		s.osType = "Windows"
	}
	if p.IsSystem() {
		return s
	}
	s.mode = canonicalMode(p.Mode)
	s.taints = userTaints(p.Taints)
	if n, ok := p.EffectiveMinNodes(); ok && n == 0 {
		// User pools may scale to zero (Spot and batch pools often do); specFrom's floor of one
		// node is the System pool's, and would make the successor cost more than the original.
		s.count, s.min = 0, 0
	}
	if p.IsSpot() {
		s.extra = append(s.extra, "--priority Spot")
	}
	return s
}

// retire says what happens to the old pool once its successor is up.
type retire int

const (
	// retireDelete deletes the old pool; AKS cordons and drains its nodes first.
	retireDelete retire = iota
	// retireToUser keeps the old pool for workloads that fit it (Windows, Spot, GPU) as a User pool.
	retireToUser
)

// replaceFix adds s as a new System pool and says how to retire p afterwards. Only the add is a
// command: the retirement follows a shell comment, so pasting the fix can never delete or demote
// the old pool before the new one is Succeeded with Ready nodes and the kube-system pods have moved
// (the most expensive mistake in the field; `syspool plan replace` prints the gated runbook).
func replaceFix(c *rule.Context, p *snapshot.Pool, s poolSpec, r retire) string {
	add := azNodepool(c, "add", s.name, s.args())
	retireCmd := azNodepool(c, "delete", p.Name, "")
	if r == retireToUser {
		retireCmd = azNodepool(c, "update", p.Name, "--mode User")
	}
	if orDefault(s.mode, snapshot.ModeSystem) != snapshot.ModeSystem {
		// A User pool's successor takes application pods, not the add-ons: what to wait for is its
		// nodes; deleting the old pool then drains its pods onto the pools that can take them.
		ready := "is Succeeded with Ready nodes (" + kubectl(c, "get nodes -l "+snapshot.LabelAgentPool+"="+s.name) + ")"
		if s.count == 0 && s.min == 0 {
			ready = "is Succeeded (it starts with no node; the autoscaler adds them for the pods drained onto it)"
		}
		return add + "  # then, once " + s.name + " " + ready + ", retire the old pool, whose pods AKS drains onto " +
			"the remaining pools: " + retireCmd + " (syspool plan replace prints the gated runbook)"
	}
	return add + "  # then, once " + s.name + " is Succeeded with Ready nodes and the kube-system pods run on it " +
		"(" + kubectl(c, "get pods -n kube-system -o wide") + "), retire the old pool: " + retireCmd +
		" (syspool plan replace prints the gated runbook)"
}

// userTaints drops the taints AKS adds itself (kubernetes.azure.com/scalesetpriority on Spot
// pools): AKS refuses them in --node-taints and puts them back where they belong.
func userTaints(taints []snapshot.Taint) []snapshot.Taint {
	var out []snapshot.Taint
	for _, t := range taints {
		if !strings.HasPrefix(t.Key, "kubernetes.azure.com/") {
			out = append(out, t)
		}
	}
	return out
}

// systemPoolTaints keeps the taints AKS accepts on a System pool: CriticalAddonsOnly, or any
// taint with effect PreferNoSchedule (SystemPoolHasRestrictedTaint, research H-10).
func systemPoolTaints(taints []snapshot.Taint) []snapshot.Taint {
	var out []snapshot.Taint
	for _, t := range userTaints(taints) {
		if isCriticalAddonsOnly(t) || strings.EqualFold(t.Effect, "PreferNoSchedule") {
			out = append(out, t)
		}
	}
	return out
}

// validModes are the agent pool modes the AKS API accepts, spelled as it requires (research H-02).
var validModes = []string{snapshot.ModeSystem, snapshot.ModeUser, snapshot.ModeGateway}

// canonicalMode returns the valid mode m spells, ignoring case, or User, which is what AKS made
// of an unknown or missing mode before it started rejecting them.
func canonicalMode(m string) string {
	for _, v := range validModes {
		if strings.EqualFold(m, v) {
			return v
		}
	}
	return snapshot.ModeUser
}
