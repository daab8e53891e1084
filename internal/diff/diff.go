package diff

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// Result is the comparison of two sides. Slices are sorted by name so output is deterministic.
type Result struct {
	Before SideInfo `json:"before"`
	After  SideInfo `json:"after"`
	// Warnings say what makes the comparison doubtful, e.g. two different clusters.
	Warnings []string `json:"warnings,omitempty"`

	Cluster      []FieldChange `json:"cluster,omitempty"`
	PoolsAdded   []PoolBrief   `json:"poolsAdded,omitempty"`
	PoolsRemoved []PoolBrief   `json:"poolsRemoved,omitempty"`
	PoolsChanged []PoolChange  `json:"poolsChanged,omitempty"`

	// NodesCompared is false when either side has no node list; Nodes* are then empty.
	NodesCompared bool      `json:"nodesCompared"`
	NodesAdded    []NodeRef `json:"nodesAdded,omitempty"`
	NodesRemoved  []NodeRef `json:"nodesRemoved,omitempty"`

	// PlacementCompared is false when either side lacks kube-system placement.
	PlacementCompared bool       `json:"placementCompared"`
	Moved             []Movement `json:"moved,omitempty"`

	// FindingsCompared is false when either side has no findings.
	FindingsCompared bool            `json:"findingsCompared"`
	New              []rule.Finding  `json:"new,omitempty"`
	Resolved         []Resolution    `json:"resolved,omitempty"`
	Changed          []FindingChange `json:"changed,omitempty"`
	// Unchanged counts failing or unevaluated findings present, identically, on both sides.
	Unchanged int `json:"unchanged"`
}

// SideInfo identifies one side in the output.
type SideInfo struct {
	Label   string    `json:"label"`
	Cluster string    `json:"cluster"`
	ID      string    `json:"clusterId,omitempty"`
	Digest  string    `json:"digest,omitempty"`
	Time    time.Time `json:"time"`
}

// FieldChange is one changed value, rendered as text ("" means absent).
type FieldChange struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// PoolBrief names an added or removed pool.
type PoolBrief struct {
	Name   string `json:"name"`
	Mode   string `json:"mode"`
	VMSize string `json:"vmSize,omitempty"`
	Count  string `json:"count,omitempty"`
}

// PoolChange lists what changed on one pool that exists on both sides.
type PoolChange struct {
	Name    string        `json:"name"`
	Changes []FieldChange `json:"changes"`
}

// Movement is a kube-system workload whose pods run on a different set of pools, or (when both
// sides counted pods) a different number per pool.
type Movement struct {
	Workload string         `json:"workload"`
	Before   map[string]int `json:"before"`
	After    map[string]int `json:"after"`
	// Counted is false when pod counts are unknown on a side; only the pool sets were compared.
	Counted bool `json:"counted"`
}

// Resolution is a finding that failed (or could not be evaluated) before and no longer does.
type Resolution struct {
	Finding rule.Finding `json:"finding"`
	// Now is the status after: pass, skip, or "absent" when the rule reported nothing for it.
	Now string `json:"now"`
}

// FindingChange is a finding that is failing or unevaluated on both sides but differs.
type FindingChange struct {
	Before rule.Finding `json:"before"`
	After  rule.Finding `json:"after"`
	What   []string     `json:"what"`
}

// Empty reports whether nothing at all changed.
func (r *Result) Empty() bool {
	return len(r.Cluster) == 0 && len(r.PoolsAdded) == 0 && len(r.PoolsRemoved) == 0 && len(r.PoolsChanged) == 0 &&
		len(r.NodesAdded) == 0 && len(r.NodesRemoved) == 0 && len(r.Moved) == 0 &&
		len(r.New) == 0 && len(r.Resolved) == 0 && len(r.Changed) == 0
}

// Compare compares before with after.
func Compare(before, after Side) Result {
	r := Result{Before: info(before), After: info(after)}
	if a, b := clusterKey(before.Cluster), clusterKey(after.Cluster); a != "" && b != "" && a != b {
		r.Warnings = append(r.Warnings, fmt.Sprintf("the two sides are different clusters (%s and %s): every difference below may be one between clusters, not a change",
			a, b))
	}
	r.Cluster = fieldChanges(clusterFields, before.Cluster, after.Cluster)
	comparePools(&r, before.Inventory.Pools, after.Inventory.Pools)
	if before.Inventory.NodesKnown && after.Inventory.NodesKnown {
		r.NodesCompared = true
		r.NodesAdded, r.NodesRemoved = compareNodes(before.Inventory.Nodes, after.Inventory.Nodes)
	}
	if before.Inventory.PlacementKnown && after.Inventory.PlacementKnown {
		r.PlacementCompared = true
		r.Moved = comparePlacement(before.Inventory, after.Inventory)
	}
	if before.HasFindings && after.HasFindings {
		r.FindingsCompared = true
		compareFindings(&r, before.Findings, after.Findings)
	}
	return r
}

func info(s Side) SideInfo {
	return SideInfo{Label: s.Label, Cluster: s.Cluster.Name, ID: s.Cluster.ID, Digest: s.Digest, Time: s.Time}
}

// clusterKey identifies a cluster across captures: the ARM ID when known, else the name.
func clusterKey(c snapshot.Cluster) string {
	if c.ID != "" {
		return strings.ToLower(c.ID)
	}
	return strings.ToLower(c.Name)
}

type field[T any] struct {
	name string
	get  func(T) string
}

var clusterFields = []field[snapshot.Cluster]{
	{"kubernetesVersion", func(c snapshot.Cluster) string { return c.KubernetesVersion }},
	{"currentKubernetesVersion", func(c snapshot.Cluster) string { return c.CurrentKubernetesVersion }},
	{"provisioningState", func(c snapshot.Cluster) string { return c.ProvisioningState }},
	{"powerState", func(c snapshot.Cluster) string { return c.PowerState }},
	{"sku", func(c snapshot.Cluster) string { return join(c.SKUName, c.SKUTier) }},
	{"upgradeChannel", func(c snapshot.Cluster) string { return c.UpgradeChannel }},
	{"nodeOsUpgradeChannel", func(c snapshot.Cluster) string { return c.NodeOSUpgradeChannel }},
	{"nodeProvisioningMode", func(c snapshot.Cluster) string { return c.NodeProvisioningMode }},
	{"hostedSystemPool", func(c snapshot.Cluster) string { return boolText(c.HostedSystemPool) }},
}

// poolFields are compared in this order, which is the order a reviewer reads a pool in.
var poolFields = []field[snapshot.Pool]{
	{"mode", func(p snapshot.Pool) string {
		if p.ModeDefaulted {
			return p.Mode + " (defaulted)"
		}
		return p.Mode
	}},
	{"count", func(p snapshot.Pool) string { return intText(p.Count) }},
	{"enableAutoScaling", func(p snapshot.Pool) string { return boolText(p.EnableAutoScaling) }},
	{"minCount", func(p snapshot.Pool) string { return intText(p.MinCount) }},
	{"maxCount", func(p snapshot.Pool) string { return intText(p.MaxCount) }},
	{"vmSize", func(p snapshot.Pool) string { return p.VMSize }},
	{"osType", func(p snapshot.Pool) string { return p.OSType }},
	{"osSku", func(p snapshot.Pool) string { return p.OSSKU }},
	{"osDiskType", func(p snapshot.Pool) string { return p.OSDiskType }},
	{"osDiskSizeGb", func(p snapshot.Pool) string { return intText(p.OSDiskSizeGB) }},
	{"maxPods", func(p snapshot.Pool) string { return intText(p.MaxPods) }},
	{"scaleSetPriority", func(p snapshot.Pool) string { return p.ScaleSetPriority }},
	{"zones", func(p snapshot.Pool) string { return strings.Join(sorted(p.Zones), ",") }},
	{"taints", func(p snapshot.Pool) string {
		ts := make([]string, len(p.Taints))
		for i, t := range p.Taints {
			ts[i] = t.String()
		}
		return strings.Join(sorted(ts), ",")
	}},
	{"orchestratorVersion", func(p snapshot.Pool) string { return p.OrchestratorVersion }},
	{"currentOrchestratorVersion", func(p snapshot.Pool) string { return p.CurrentOrchestratorVersion }},
	{"nodeImageVersion", func(p snapshot.Pool) string { return p.NodeImageVersion }},
	{"provisioningState", func(p snapshot.Pool) string { return p.ProvisioningState }},
	{"powerState", func(p snapshot.Pool) string { return p.PowerState }},
	{"upgradeSettings.maxSurge", func(p snapshot.Pool) string { return p.Upgrade.MaxSurge }},
	{"upgradeSettings.maxUnavailable", func(p snapshot.Pool) string { return p.Upgrade.MaxUnavailable }},
	{"upgradeSettings.drainTimeoutInMinutes", func(p snapshot.Pool) string { return intText(p.Upgrade.DrainTimeoutInMinutes) }},
	{"enableNodePublicIp", func(p snapshot.Pool) string { return boolPtrText(p.EnableNodePublicIP) }},
	{"enableEncryptionAtHost", func(p snapshot.Pool) string { return boolPtrText(p.EnableEncryptionAtHost) }},
	{"enableFips", func(p snapshot.Pool) string { return boolPtrText(p.EnableFIPS) }},
	{"vnetSubnetId", func(p snapshot.Pool) string { return p.VnetSubnetID }},
}

func fieldChanges[T any](fields []field[T], a, b T) []FieldChange {
	var out []FieldChange
	for _, f := range fields {
		if x, y := f.get(a), f.get(b); x != y {
			out = append(out, FieldChange{Field: f.name, Before: x, After: y})
		}
	}
	return out
}

func comparePools(r *Result, before, after []snapshot.Pool) {
	b := map[string]snapshot.Pool{}
	for _, p := range before {
		b[p.Name] = p
	}
	a := map[string]snapshot.Pool{}
	for _, p := range after {
		a[p.Name] = p
	}
	for _, name := range sortedKeys(b) {
		if _, ok := a[name]; !ok {
			r.PoolsRemoved = append(r.PoolsRemoved, brief(b[name]))
		}
	}
	for _, name := range sortedKeys(a) {
		p, ok := b[name]
		if !ok {
			r.PoolsAdded = append(r.PoolsAdded, brief(a[name]))
			continue
		}
		ch := fieldChanges(poolFields, p, a[name])
		ch = append(ch, mapChanges("labels", p.Labels, a[name].Labels)...)
		ch = append(ch, mapChanges("tags", p.Tags, a[name].Tags)...)
		if len(ch) > 0 {
			r.PoolsChanged = append(r.PoolsChanged, PoolChange{Name: name, Changes: ch})
		}
	}
}

func brief(p snapshot.Pool) PoolBrief {
	return PoolBrief{Name: p.Name, Mode: p.Mode, VMSize: p.VMSize, Count: intText(p.Count)}
}

// mapChanges reports labels and tags key by key: "labels[team]: a -> b" reads better than two
// long joined lists.
func mapChanges(name string, before, after map[string]string) []FieldChange {
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var out []FieldChange
	for _, k := range sortedKeys(keys) {
		x, inX := before[k]
		y, inY := after[k]
		if x != y || inX != inY {
			out = append(out, FieldChange{Field: name + "[" + k + "]", Before: present(x, inX), After: present(y, inY)})
		}
	}
	return out
}

// present distinguishes an empty value from an absent key.
func present(v string, ok bool) string {
	if ok && v == "" {
		return `""`
	}
	return v
}

func compareNodes(before, after []NodeRef) (added, removed []NodeRef) {
	b := map[string]bool{}
	for _, n := range before {
		b[n.Name] = true
	}
	a := map[string]bool{}
	for _, n := range after {
		a[n.Name] = true
		if !b[n.Name] {
			added = append(added, n)
		}
	}
	for _, n := range before {
		if !a[n.Name] {
			removed = append(removed, n)
		}
	}
	byName := func(ns []NodeRef) { sort.Slice(ns, func(i, j int) bool { return ns[i].Name < ns[j].Name }) }
	byName(added)
	byName(removed)
	return added, removed
}

// comparePlacement matches workloads by name and compares where their pods run. Counts are
// compared only when both sides counted pods; otherwise only the set of pools is.
func comparePlacement(before, after Inventory) []Movement {
	counted := before.Counted && after.Counted
	b := map[string]map[string]int{}
	for _, w := range before.Placement {
		b[w.Workload] = w.Pools
	}
	a := map[string]map[string]int{}
	for _, w := range after.Placement {
		a[w.Workload] = w.Pools
	}
	names := map[string]bool{}
	for n := range a {
		names[n] = true
	}
	for n := range b {
		names[n] = true
	}
	var out []Movement
	for _, n := range sortedKeys(names) {
		x, y := b[n], a[n]
		if samePlacement(x, y, counted) {
			continue
		}
		out = append(out, Movement{Workload: n, Before: nonNil(x), After: nonNil(y), Counted: counted})
	}
	return out
}

func samePlacement(x, y map[string]int, counted bool) bool {
	if len(x) != len(y) {
		return false
	}
	for pool, n := range x {
		m, ok := y[pool]
		if !ok || (counted && m != n) {
			return false
		}
	}
	return true
}

func nonNil(m map[string]int) map[string]int {
	if m == nil {
		return map[string]int{}
	}
	return m
}

// problem is what a finding diff is about: a failure (waived or not) or a rule that could not be
// evaluated. Passes and skips are the absence of a problem.
func problem(f rule.Finding) bool { return f.Status == rule.Fail || f.Status == rule.Error }

func compareFindings(r *Result, before, after []rule.Finding) {
	b := byFingerprint(before)
	a := byFingerprint(after)
	for _, f := range after {
		if !problem(f) {
			continue
		}
		old, ok := b[f.Fingerprint]
		switch {
		case !ok || !problem(old):
			r.New = append(r.New, f)
		default:
			if what := findingChanges(old, f); len(what) > 0 {
				r.Changed = append(r.Changed, FindingChange{Before: old, After: f, What: what})
			} else {
				r.Unchanged++
			}
		}
	}
	for _, f := range before {
		if !problem(f) {
			continue
		}
		now, ok := a[f.Fingerprint]
		switch {
		case !ok:
			r.Resolved = append(r.Resolved, Resolution{Finding: f, Now: "absent"})
		case !problem(now):
			r.Resolved = append(r.Resolved, Resolution{Finding: f, Now: string(now.Status)})
		}
	}
}

// byFingerprint indexes findings; should a rule report one resource twice, the first is kept, as
// the engine's sort order is stable.
func byFingerprint(fs []rule.Finding) map[string]rule.Finding {
	m := make(map[string]rule.Finding, len(fs))
	for _, f := range fs {
		if _, dup := m[f.Fingerprint]; !dup {
			m[f.Fingerprint] = f
		}
	}
	return m
}

func findingChanges(a, b rule.Finding) []string {
	var what []string
	if a.Status != b.Status {
		what = append(what, fmt.Sprintf("status %s -> %s", a.Status, b.Status))
	}
	if a.Severity != b.Severity {
		what = append(what, fmt.Sprintf("severity %s -> %s", a.Severity, b.Severity))
	}
	if (a.Waiver == nil) != (b.Waiver == nil) {
		if b.Waiver != nil {
			what = append(what, "now waived")
		} else {
			what = append(what, "no longer waived")
		}
	}
	if a.Message != b.Message {
		what = append(what, "message")
	}
	return what
}

// NewBlocking returns the findings that gate a pipeline under --fail-on-new: unwaived failures at
// or above failOn after, whose fingerprint was not already an unwaived failure at or above failOn
// before. A finding that crossed the threshold, or whose waiver lapsed, counts as new; one that
// was already blocking in the baseline does not, which is the point of a baseline.
func NewBlocking(before, after []rule.Finding, failOn rule.Severity) []rule.Finding {
	blocking := func(f rule.Finding) bool { return f.Status == rule.Fail && f.Waiver == nil && f.Severity >= failOn }
	was := map[string]bool{}
	for _, f := range before {
		if blocking(f) {
			was[f.Fingerprint] = true
		}
	}
	var out []rule.Finding
	for _, f := range after {
		if blocking(f) && !was[f.Fingerprint] {
			out = append(out, f)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}

func intText(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

func boolPtrText(p *bool) string {
	if p == nil {
		return ""
	}
	return boolText(*p)
}

func join(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "/" + b
}
