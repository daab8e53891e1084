package snapshot

// PodAffinityTerm mirrors one requiredDuringSchedulingIgnoredDuringExecution pod (anti-)affinity
// term: no two pods it relates may share a value of TopologyKey.
type PodAffinityTerm struct {
	LabelSelector LabelSelector `json:"labelSelector"`
	TopologyKey   string        `json:"topologyKey"`
	// Namespaces the selector looks in; empty (with no NamespaceSelector) means the pod's own.
	Namespaces []string `json:"namespaces,omitempty"`
	// NamespaceSelector is kept as written; {} means every namespace. Snapshots carry no namespace
	// labels, so consumers treat any other selector as matching every namespace (the stricter
	// reading for anti-affinity) and say so.
	NamespaceSelector *LabelSelector `json:"namespaceSelector,omitempty"`
}

// TopologySpreadConstraint mirrors a pod's topologySpreadConstraints entry.
type TopologySpreadConstraint struct {
	MaxSkew     int32  `json:"maxSkew"`
	TopologyKey string `json:"topologyKey"`
	// WhenUnsatisfiable is DoNotSchedule (a hard rule) or ScheduleAnyway (a preference).
	WhenUnsatisfiable string `json:"whenUnsatisfiable"`
	// LabelSelector is nil when the constraint has none, which counts no pods.
	LabelSelector *LabelSelector `json:"labelSelector,omitempty"`
	MinDomains    *int32         `json:"minDomains,omitempty"`
	// NodeAffinityPolicy (Honor by default) and NodeTaintsPolicy (Ignore by default) say which
	// nodes count as domains.
	NodeAffinityPolicy string   `json:"nodeAffinityPolicy,omitempty"`
	NodeTaintsPolicy   string   `json:"nodeTaintsPolicy,omitempty"`
	MatchLabelKeys     []string `json:"matchLabelKeys,omitempty"`
}
