package plan

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/vmsize"
)

// Where the constraints below are written down (see /work/shared/research/aks-rules.md §1).
const (
	docSystemPools = "https://learn.microsoft.com/azure/aks/use-system-pools"
	docCreatePools = "https://learn.microsoft.com/azure/aks/create-node-pools"
	docRolling     = "https://learn.microsoft.com/azure/aks/upgrade-aks-node-pools-rolling"
	docSpot        = "https://learn.microsoft.com/azure/aks/spot-node-pool"
	docSystemTaint = "https://github.com/Azure/AKS/issues/2578"
	docIPPlanning  = "https://learn.microsoft.com/azure/aks/concepts-network-ip-address-planning"
)

var poolNameRe = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

// validatePoolName applies H-15: lowercase alphanumerics starting with a letter, 1-12 characters
// for Linux pools and 1-6 for Windows pools.
func validatePoolName(name string, windows bool) string {
	limit := 12
	if windows {
		limit = 6
	}
	if name == "" || len(name) > limit || !poolNameRe.MatchString(name) {
		return fmt.Sprintf("pool name %q is not valid: AKS takes 1-%d lowercase letters and digits, starting with a letter (%s)",
			name, limit, docCreatePools)
	}
	return ""
}

// systemTaintAllowed applies H-10: a System pool accepts only CriticalAddonsOnly taints and
// taints with effect PreferNoSchedule (SystemPoolHasRestrictedTaint otherwise).
func systemTaintAllowed(t snapshot.Taint) bool {
	return strings.EqualFold(t.Key, "CriticalAddonsOnly") || t.Effect == "PreferNoSchedule"
}

var validEffects = map[string]bool{"NoSchedule": true, "PreferNoSchedule": true, "NoExecute": true}

// validateSpec returns every reason AKS would refuse to create spec in s, each with its source.
// Immutable settings (VM size, zones, maxPods, OS, Spot: H-17) are why a change to them is always a
// new pool, so an existing name is refused too.
func validateSpec(s *snapshot.Snapshot, spec PoolSpec) []string {
	var out []string
	windows := strings.EqualFold(spec.OSType, "Windows")
	if why := validatePoolName(spec.Name, windows); why != "" {
		out = append(out, why)
	}
	for _, p := range s.Pools {
		if p.Name == spec.Name {
			out = append(out, fmt.Sprintf("pool %s already exists; its VM size, zones, maxPods, OS and Spot priority cannot be changed "+
				"in place (%s): plan a replace with a new name", spec.Name, docCreatePools))
		}
	}
	system := spec.Mode == snapshot.ModeSystem
	switch {
	case spec.Mode != snapshot.ModeSystem && spec.Mode != snapshot.ModeUser:
		out = append(out, fmt.Sprintf("mode %q is not valid: System or User, as the API spells them", spec.Mode))
	case system && spec.Spot:
		out = append(out, "a System pool cannot run on Spot VMs: Spot pools can only be User pools ("+docSpot+")")
	case system && windows:
		out = append(out, "a System pool must run Linux ("+docSystemPools+")")
	}
	if system && spec.MaxUnavailable != "" && spec.MaxUnavailable != "0" {
		out = append(out, "maxUnavailable cannot be set on a System pool (\"You can't set max unavailable on system node pools\", "+docRolling+")")
	}
	if spec.Taints != nil {
		for _, t := range *spec.Taints {
			switch {
			case !validEffects[t.Effect]:
				out = append(out, fmt.Sprintf("taint %s has effect %q: NoSchedule, PreferNoSchedule or NoExecute", t, t.Effect))
			case system && !systemTaintAllowed(t):
				out = append(out, fmt.Sprintf("taint %s is not allowed on a System pool: only CriticalAddonsOnly taints and "+
					"PreferNoSchedule taints are (SystemPoolHasRestrictedTaint, %s)", t, docSystemTaint))
			}
		}
	}
	minNodes := spec.Count
	if spec.Autoscale {
		minNodes = spec.MinCount
		if spec.MaxCount < spec.MinCount {
			out = append(out, fmt.Sprintf("autoscaler maxCount %d is below minCount %d", spec.MaxCount, spec.MinCount))
		}
	}
	switch {
	case system && minNodes < 1:
		out = append(out, "a System pool needs at least 1 node (count and minCount 1-1000; "+docSystemPools+")")
	case minNodes < 0 || spec.Count > 1000:
		out = append(out, fmt.Sprintf("node count %d is outside 0-1000", spec.Count))
	}
	if spec.MaxPods != 0 && (spec.MaxPods < 10 || spec.MaxPods > 250) {
		out = append(out, fmt.Sprintf("maxPods %d is outside the 10-250 AKS accepts (%s)", spec.MaxPods, docIPPlanning))
	} else if system && spec.MaxPods != 0 && spec.MaxPods*minNodes < 30 {
		out = append(out, fmt.Sprintf("a System pool must hold at least 30 pods: maxPods %d × %d node(s) = %d (%s)",
			spec.MaxPods, minNodes, spec.MaxPods*minNodes, docSystemPools))
	}
	for _, z := range spec.Zones {
		if z != "1" && z != "2" && z != "3" {
			out = append(out, fmt.Sprintf("zone %q is not an availability zone number (1, 2 or 3)", z))
		}
	}
	out = append(out, validateSize(spec, system)...)
	return out
}

// validateSize applies H-06 (restricted sizes, fewer than 2 vCPU) to every pool and H-05 (at
// least 2 vCPU and 4 GiB) to System pools. An unknown size is not refused: the caller warns.
func validateSize(spec PoolSpec, system bool) []string {
	if spec.VMSize == "" {
		return []string{"a VM size is required"}
	}
	if vmsize.Restricted(spec.VMSize) {
		return []string{fmt.Sprintf("VM size %s may not be used for AKS nodes (%s)", spec.VMSize, vmsize.RestrictedSourceURL)}
	}
	if sz, ok := vmsize.Lookup(spec.VMSize); ok && system && (sz.VCPU < 2 || sz.MemoryGiB < 4) {
		return []string{fmt.Sprintf("VM size %s (%d vCPU, %g GiB) is too small for a System pool: AKS requires 2 vCPU and 4 GiB "+
			"(SystemPoolSkuTooLow; %s)", spec.VMSize, sz.VCPU, sz.MemoryGiB, docSystemPools)}
	}
	return nil
}

// clusterRefusals refuses plans that touch a cluster in a state where AKS accepts no pool change.
func clusterRefusals(s *snapshot.Snapshot, req Request) []string {
	var out []string
	if s.Cluster.Stopped() {
		out = append(out, "the cluster is stopped: start it (az aks start) and capture it again before planning a pool change")
	}
	if req.Pool != "" {
		if _, ok := findPool(s, req.Pool); !ok {
			out = append(out, fmt.Sprintf("no pool %q in the capture (pools: %s)", req.Pool, strings.Join(poolNames(s), ", ")))
		}
	}
	if s.Cluster.HostedSystemPool && touchesSystem(s, req) {
		out = append(out, "AKS manages the system pool of this Automatic cluster (hostedSystemProfile): it cannot be "+
			"added, replaced, upgraded or removed through agent pools")
	}
	return out
}

func touchesSystem(s *snapshot.Snapshot, req Request) bool {
	if req.New.Mode == snapshot.ModeSystem {
		return true
	}
	p, ok := findPool(s, req.Pool)
	return ok && p.IsSystem()
}

func findPool(s *snapshot.Snapshot, name string) (*snapshot.Pool, bool) {
	for i := range s.Pools {
		if s.Pools[i].Name == name {
			return &s.Pools[i], true
		}
	}
	return nil, false
}

func poolNames(s *snapshot.Snapshot) []string {
	out := make([]string, len(s.Pools))
	for i, p := range s.Pools {
		out[i] = p.Name
	}
	sort.Strings(out)
	return out
}
