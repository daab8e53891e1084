package checks

import (
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

var sp001 = rule.Rule{
	ID:       "SP001",
	Title:    "The cluster has at least one System pool",
	Category: catAvailability,
	Severity: rule.Critical,
	Rationale: "AKS places CoreDNS, konnectivity-agent, metrics-server and the other kube-system add-ons on System pools, " +
		"and its API refuses to create a cluster without one or to delete the last one. A capture with no System pool means " +
		"the pool list is incomplete, the mode was lost on the way in (a pool without mode is treated as User, as the API did " +
		"before 2020-03-01), or the cluster is in a state AKS does not support; in every case the critical add-ons have no " +
		"pool meant for them.",
	Remediation: "Add a Linux, non-Spot pool in System mode (or switch an existing Linux, non-Spot User pool to System) with " +
		"at least three nodes. AKS Automatic clusters with managed system node pools are exempt: AKS runs their system pool.",
	Sources: []rule.Source{srcSystemPools, srcAutomaticSystemPools},
	Needs:   []snapshot.DataKind{snapshot.KindPools},
	Check:   checkSP001,
}

func checkSP001(c *rule.Context) []rule.Result {
	if res, ok := hostedSkip(c); ok {
		return res
	}
	sys := c.Index.SystemPools()
	if len(sys) > 0 {
		return []rule.Result{{Status: rule.Pass, Resource: clusterResource(c),
			Message:  "System pool(s): " + strings.Join(poolNames(sys), ", "),
			Evidence: []rule.Evidence{ev("systemPools", poolNames(sys)), ev("pools", len(c.Snap.Pools))}}}
	}

	var modes []string
	var defaulted []string
	for _, p := range c.Snap.Pools {
		modes = append(modes, p.Name+"="+orUnset(p.Mode))
		if p.ModeDefaulted {
			defaulted = append(defaulted, p.Name)
		}
	}
	evidence := []rule.Evidence{ev("systemPools", 0), ev("poolModes", modes)}
	msg := "no agent pool is in System mode"
	if len(defaulted) > 0 {
		msg += "; pool(s) " + strings.Join(defaulted, ", ") + " had no mode in the source and were treated as User, as the API does"
		evidence = append(evidence, ev("modeDefaulted", defaulted))
	}

	// Without the cluster object an AKS Automatic cluster, whose system pool is not listed, looks
	// exactly like this; say so instead of failing a healthy cluster.
	if ok, _ := c.Snap.Coverage.Satisfies(snapshot.KindCluster); !ok {
		return []rule.Result{{Status: rule.Error, Resource: clusterResource(c),
			Message: msg + ", and the cluster object was not captured, so an AKS Automatic cluster with a managed " +
				"system pool cannot be ruled out (capture `az aks show -o json`)",
			Evidence: evidence}}
	}
	return []rule.Result{{Status: rule.Fail, Resource: clusterResource(c), Message: msg, Evidence: evidence,
		Fix: sp001Fix(c)}}
}

// sp001Fix promotes a User pool that may be a System pool or adds one. AKS refuses System mode
// on Windows and Spot pools, on pools with custom hard taints (SystemPoolHasRestrictedTaint) and
// on pools that may scale to zero; a GPU pool would accept it but then holds the add-ons (SP017).
func sp001Fix(c *rule.Context) string {
	for _, p := range c.Index.UserPools() {
		n, ok := p.EffectiveMinNodes()
		gpu, _ := poolIsGPU(c, p)
		if p.Mode == snapshot.ModeUser && !p.IsWindows() && !p.IsSpot() && p.OSType != "" && !gpu &&
			len(customHardTaints(p.Taints)) == 0 && ok && n >= 1 {
			return azNodepool(c, "update", p.Name, "--mode System")
		}
	}
	s := poolSpec{name: "system", vmSize: recommendedSystemVMSize, count: 3}
	return azNodepool(c, "add", s.name, s.args())
}

func orUnset(s string) string {
	if s == "" {
		return "unset"
	}
	return s
}
