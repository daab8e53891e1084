package files

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/syspool/syspool/internal/snapshot"
)

// class is what a JSON object was recognised as, from its content alone.
type class int

const (
	classUnknown class = iota
	classSnapshot
	classKube
	classARMCluster
	classARMPool
	classAZCluster
	classAZPool
	// Outputs, not captures: a syspool report (-o json|yaml) and a SARIF log (-o sarif).
	classReport
	classSARIF
)

// probe holds the members that tell the formats apart. Every member is raw so that a probe never
// fails on a type: deciding what a document is must not depend on it being valid.
type probe struct {
	SchemaVersion       json.RawMessage `json:"schemaVersion"`
	Cluster             json.RawMessage `json:"cluster"`
	APIVersion          json.RawMessage `json:"apiVersion"`
	Kind                json.RawMessage `json:"kind"`
	Type                json.RawMessage `json:"type"`
	Properties          json.RawMessage `json:"properties"`
	AgentPoolProfiles   json.RawMessage `json:"agentPoolProfiles"`
	KubernetesVersion   json.RawMessage `json:"kubernetesVersion"`
	NodeResourceGroup   json.RawMessage `json:"nodeResourceGroup"`
	FQDN                json.RawMessage `json:"fqdn"`
	VMSize              json.RawMessage `json:"vmSize"`
	TypePropertiesType  json.RawMessage `json:"typePropertiesType"`
	Mode                json.RawMessage `json:"mode"`
	OrchestratorVersion json.RawMessage `json:"orchestratorVersion"`
	Findings            json.RawMessage `json:"findings"`
	Schema              json.RawMessage `json:"$schema"`
	Runs                json.RawMessage `json:"runs"`
}

// stringValue returns the string a raw JSON value holds, if it is one.
func stringValue(raw json.RawMessage) (string, bool) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

func isObject(raw json.RawMessage) bool { return len(raw) > 0 && raw[0] == '{' }

func has(raw json.RawMessage) bool { return len(raw) > 0 && string(raw) != "null" }

// classify decides what an object is. Kubernetes objects carry apiVersion and kind; ARM resources
// nest their settings under properties and name their type; az flattens the properties into the
// top level and keeps the ARM type beside them.
func classify(raw []byte) (class, probe) {
	var p probe
	if json.Unmarshal(raw, &p) != nil {
		return classUnknown, p
	}
	typ, _ := stringValue(p.Type)
	typ = strings.ToLower(typ)
	kind, _ := stringValue(p.Kind)
	apiVersion, _ := stringValue(p.APIVersion)
	schema, _ := stringValue(p.Schema)
	switch {
	case kind == "SyspoolReport" || has(p.SchemaVersion) && has(p.Cluster) && has(p.Findings):
		return classReport, p
	case has(p.Runs) && strings.Contains(strings.ToLower(schema), "sarif"):
		return classSARIF, p
	case has(p.SchemaVersion) && has(p.Cluster):
		return classSnapshot, p
	case strings.HasSuffix(typ, "/agentpools"):
		if isObject(p.Properties) {
			return classARMPool, p
		}
		return classAZPool, p
	case strings.HasSuffix(typ, "/managedclusters"):
		if isObject(p.Properties) {
			return classARMCluster, p
		}
		return classAZCluster, p
	case kind != "" && apiVersion != "":
		// After the ARM types: ARM resources may carry a kind too, and templates an apiVersion.
		return classKube, p
	case isObject(p.Properties):
		// No type (hand-trimmed, or a template's resource body): look inside.
		var inner probe
		if json.Unmarshal(p.Properties, &inner) != nil {
			return classUnknown, p
		}
		switch {
		case has(inner.AgentPoolProfiles) || has(inner.KubernetesVersion) || has(inner.NodeResourceGroup):
			return classARMCluster, p
		case has(inner.VMSize) || has(inner.Mode) || has(inner.OrchestratorVersion):
			return classARMPool, p
		}
	case has(p.AgentPoolProfiles) || has(p.KubernetesVersion) && (has(p.NodeResourceGroup) || has(p.FQDN)):
		return classAZCluster, p
	case has(p.VMSize) || has(p.TypePropertiesType):
		return classAZPool, p
	}
	return classUnknown, p
}

// unknown explains an object that is none of the accepted kinds, listing the members it does have
// so the user can tell what they passed.
func unknown(o object, context string) error {
	var members map[string]json.RawMessage
	if err := json.Unmarshal(o.raw, &members); err != nil {
		return o.errorf("", "%s%s is not a JSON object; expected %s", o.where(), context, acceptedKinds)
	}
	keys := make([]string, 0, len(members))
	for k := range members {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if len(keys) > 8 {
		keys = append(keys[:8], "...")
	}
	return o.errorf("", "%scannot tell what this %s is (it has %s); expected %s",
		o.where(), context, describeKeys(keys), acceptedKinds)
}

func describeKeys(keys []string) string {
	if len(keys) == 0 {
		return "no members"
	}
	return "members " + strings.Join(keys, ", ")
}

// topObject handles an object that is a whole document.
func (b *builder) topObject(r *fileReader, o object) error {
	c, p := classify(o.raw)
	switch c {
	case classSnapshot:
		return b.snapshotDoc(o)
	case classReport:
		return &outputFile{what: "this is a syspool report (the output of check -o json or yaml)"}
	case classSARIF:
		return &outputFile{what: "this is a SARIF log (the output of check -o sarif)"}
	}
	if err := b.otherDoc(o); err != nil {
		return err
	}
	switch c {
	case classKube:
		kind, _ := stringValue(p.Kind)
		apiVersion, _ := stringValue(p.APIVersion)
		if strings.HasSuffix(kind, "List") {
			// A list whose items were not an array: nothing to read, and the kind says which.
			r.src.kind("kubectl list")
			b.emptyList(o, kind)
			return nil
		}
		r.src.kind("kubectl object")
		return b.kubeObject(o, kind, apiVersion)
	case classARMCluster:
		return b.clusterDoc(o, true, "ARM managedCluster")
	case classAZCluster:
		return b.clusterDoc(o, false, "az aks show")
	case classARMPool:
		return b.poolDoc(o, true, true, "ARM agentPool")
	case classAZPool:
		return b.poolDoc(o, false, true, "az aks nodepool show")
	}
	return unknown(o, "document")
}

// listItem handles one element of a kubectl list. Items of a list from the API server itself
// (`kubectl get --raw`) have no kind of their own; the list's kind, when it came first, says it.
func (b *builder) listItem(r *fileReader, o object, head map[string]json.RawMessage) error {
	if err := b.otherDoc(o); err != nil {
		return err
	}
	var p struct {
		APIVersion json.RawMessage `json:"apiVersion"`
		Kind       json.RawMessage `json:"kind"`
	}
	if !isObject(o.raw) || json.Unmarshal(o.raw, &p) != nil {
		return o.errorf("", "%sexpected a Kubernetes object in items, found %s", o.where(), jsonKindOf(o.raw))
	}
	kind, _ := stringValue(p.Kind)
	apiVersion, _ := stringValue(p.APIVersion)
	if kind == "" {
		listKind, _ := stringValue(head["kind"])
		kind = strings.TrimSuffix(listKind, "List")
		apiVersion, _ = stringValue(head["apiVersion"])
		if kind == "" {
			return o.errorf("", "%sthe item has no kind, and the list's kind does not come before its items; "+
				"expected Kubernetes objects as `kubectl get -o json` writes them", o.where())
		}
	}
	r.src.kind("kubectl list")
	return b.kubeObject(o, kind, apiVersion)
}

// endList finishes a streamed list. An empty kubectl List names no kind, so nothing can be said
// about what it covered.
func (b *builder) endList(r *fileReader, at int64, key string, head map[string]json.RawMessage, n int) error {
	if n > 0 {
		return nil
	}
	o := r.object(at, nil)
	if err := b.otherDoc(o); err != nil {
		return err
	}
	if key == "value" {
		r.src.kind("empty ARM list")
		b.note(r.path, "the ARM list is empty; nothing was read from it")
		return nil
	}
	r.src.kind("kubectl list")
	kind, _ := stringValue(head["kind"])
	b.emptyList(o, kind)
	return nil
}

// emptyList records an empty list: covered when its kind says what it lists (NodeList), else a
// note, since `kubectl get pdb -A -o json` with no PDBs prints a bare List.
func (b *builder) emptyList(o object, listKind string) {
	if k, ok := listKinds[listKind]; ok {
		if b.kube[k] == nil {
			b.kube[k] = &kindRead{}
		}
		b.kube[k].list = true
		return
	}
	b.note(o.r.path, "the kubectl List is empty and does not say what it lists, so it counts for no kind of data "+
		"(an empty `kubectl get -o json` cannot be told apart by content)")
}

var listKinds = map[string]snapshot.DataKind{
	"NodeList":                snapshot.KindNodes,
	"PodList":                 snapshot.KindPods,
	"PodDisruptionBudgetList": snapshot.KindPDBs,
	"DeploymentList":          snapshot.KindDeployments,
	"DaemonSetList":           snapshot.KindDaemonSets,
}

// valueElement handles one element of an ARM list ({"value": [...]}).
func (b *builder) valueElement(r *fileReader, o object) error {
	if err := b.otherDoc(o); err != nil {
		return err
	}
	switch c, _ := classify(o.raw); c {
	case classARMPool, classAZPool:
		return b.poolDoc(o, c == classARMPool, false, "ARM agentPools list")
	case classARMCluster, classAZCluster:
		return b.clusterDoc(o, c == classARMCluster, "ARM managedClusters list")
	}
	return unknown(o, "element of the value list")
}

// arrayElement handles one element of a top-level array (az prints lists as arrays).
func (b *builder) arrayElement(r *fileReader, o object) error {
	c, p := classify(o.raw)
	if c == classSnapshot {
		return o.errorf("", "%sa syspool snapshot inside a list; pass the snapshot file as it was written", o.where())
	}
	if err := b.otherDoc(o); err != nil {
		return err
	}
	switch c {
	case classAZPool:
		return b.poolDoc(o, false, false, "az aks nodepool list")
	case classARMPool:
		return b.poolDoc(o, true, false, "ARM agentPools list")
	case classAZCluster:
		return b.clusterDoc(o, false, "az aks list")
	case classARMCluster:
		return b.clusterDoc(o, true, "ARM managedClusters list")
	case classKube:
		kind, _ := stringValue(p.Kind)
		apiVersion, _ := stringValue(p.APIVersion)
		r.src.kind("kubectl objects")
		return b.kubeObject(o, kind, apiVersion)
	}
	if !isObject(o.raw) {
		return o.errorf("", "%sexpected an object in the list, found %s; expected %s", o.where(), jsonKindOf(o.raw), acceptedKinds)
	}
	return unknown(o, "element of the list")
}

func (b *builder) endArray(r *fileReader, at int64, n int) error {
	if n > 0 {
		return nil
	}
	if err := b.otherDoc(r.object(at, nil)); err != nil {
		return err
	}
	r.src.kind("empty list")
	b.note(r.path, "the file holds an empty JSON list; nothing was read from it")
	return nil
}

func jsonKindOf(raw []byte) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// snapshotDoc reads a syspool snapshot, which is used as it is and so cannot be combined.
func (b *builder) snapshotDoc(o object) error {
	switch {
	case b.snapPath != "":
		return o.errorf("", "a second syspool snapshot (the first is %s); pass one snapshot alone", b.snapPath)
	case b.firstDoc != "":
		return o.errorf("", "a syspool snapshot cannot be combined with other inputs (%s); pass the snapshot alone", b.firstDoc)
	}
	s, err := snapshot.Decode(o.raw)
	if err != nil {
		return &InputError{Path: o.r.path, Msg: fmt.Sprintf("syspool snapshot: %v", err), Err: err}
	}
	// A sealed snapshot is evidence: auditing one that was edited after sealing would vouch for
	// data nobody collected. Unsealed snapshots (no digest) are read as they are.
	// Only the content digest is checked here; `syspool verify` also insists on canonical bytes.
	if s.Digest != "" {
		got, err := snapshot.ContentDigest(s)
		if err != nil {
			return &InputError{Path: o.r.path, Msg: fmt.Sprintf("syspool snapshot: %v", err), Err: err}
		}
		if got != s.Digest {
			return &InputError{Path: o.r.path, Msg: fmt.Sprintf("sealed syspool snapshot was changed after it was "+
				"sealed: recorded %s, content hashes to %s (see syspool verify %s)", s.Digest, got, o.r.path)}
		}
	}
	o.r.src.kind("syspool snapshot")
	b.snap, b.snapPath = s, o.r.path
	return nil
}

// otherDoc records that a document other than a snapshot was read, refusing it after a snapshot.
func (b *builder) otherDoc(o object) error {
	if b.snapPath != "" {
		return o.errorf("", "a syspool snapshot (%s) cannot be combined with other inputs; pass the snapshot alone", b.snapPath)
	}
	if b.firstDoc == "" {
		b.firstDoc = o.r.path
	}
	return nil
}
