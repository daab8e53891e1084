package gen

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
)

// testParams is the 1k-pod cluster the tests generate: every kind of workload, pool and planted
// problem, small enough to decode whole.
var testParams = Params{Nodes: 20, Pods: 1000, Pools: 5, Seed: 1}

// generated writes testParams once per test binary; the files are read-only for the tests.
var generated = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "aksgen-test-")
	if err != nil {
		return "", err
	}
	c, err := New(testParams)
	if err != nil {
		return "", err
	}
	_, err = c.WriteDir(context.Background(), dir, 0)
	return dir, err
})

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := generated(); err == nil {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

func generatedDir(t *testing.T) string {
	t.Helper()
	dir, err := generated()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(generatedDir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sums(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, f := range Files {
		b, err := os.ReadFile(filepath.Join(dir, f.Name))
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = fmt.Sprintf("%x", sha256.Sum256(b))
	}
	return out
}

func TestDeterministic(t *testing.T) {
	first := sums(t, generatedDir(t))
	// Another run, in another process's worth of state and with a different number of workers,
	// must give the same bytes.
	for _, workers := range []int{1, 3} {
		c, err := New(testParams)
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		if _, err := c.WriteDir(t.Context(), dir, workers); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, sums(t, dir)); diff != "" {
			t.Errorf("workers=%d: sha256 differ (-first +again):\n%s", workers, diff)
		}
	}
	other := testParams
	other.Seed = 2
	c, err := New(other)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := c.WriteDir(t.Context(), dir, 0); err != nil {
		t.Fatal(err)
	}
	if again := sums(t, dir); again["pods.json"] == first["pods.json"] {
		t.Error("seed 2 gave the same pods.json as seed 1")
	}
}

// TestKubectlLayout checks the files byte for byte against what kubectl prints for them: the
// list decoded into maps and re-encoded with json.MarshalIndent and four spaces, plus a newline
// (kubectl's JSON printer); az prints sorted keys with two spaces.
func TestKubectlLayout(t *testing.T) {
	for _, f := range Files {
		t.Run(f.Name, func(t *testing.T) {
			b := readFile(t, f.Name)
			var v any
			if err := json.Unmarshal(b, &v); err != nil {
				t.Fatal(err)
			}
			indent := indentUnit
			if strings.HasPrefix(f.Command, "az ") {
				indent = "  "
			}
			want, err := json.MarshalIndent(v, "", indent)
			if err != nil {
				t.Fatal(err)
			}
			if want = append(want, '\n'); !bytes.Equal(b, want) {
				i := 0
				for i < min(len(b), len(want)) && b[i] == want[i] {
					i++
				}
				t.Fatalf("differs from kubectl's layout at byte %d:\ngot  %q\nwant %q", i,
					b[max(0, i-80):min(len(b), i+80)], want[max(0, i-80):min(len(want), i+80)])
			}
			if strings.HasPrefix(f.Command, "kubectl ") && !bytes.HasPrefix(b, []byte("{\n    \"apiVersion\": \"v1\",\n    \"items\": [")) {
				t.Errorf("not a kubectl List: %q", b[:60])
			}
		})
	}
}

// decodeStrict decodes b into v and fails on fields the type does not have, so a typo in the
// generator cannot hide.
func decodeStrict(t *testing.T, b []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %T: %v", v, err)
	}
}

// TestFilesDecodeAsAPITypes decodes every item with the k8s.io/api types and compares it with
// the object the builders (and Load) produce.
func TestFilesDecodeAsAPITypes(t *testing.T) {
	c, err := New(testParams)
	if err != nil {
		t.Fatal(err)
	}
	same := func(t *testing.T, what string, got, want any) {
		t.Helper()
		if !apiequality.Semantic.DeepEqual(got, want) {
			t.Errorf("%s differs from the builder's object:\n%s", what, cmp.Diff(want, got))
		}
	}
	t.Run("nodes", func(t *testing.T) {
		var l corev1.NodeList
		decodeStrict(t, readFile(t, "nodes.json"), &l)
		if l.Kind != "List" || len(l.Items) != len(c.Nodes) {
			t.Fatalf("kind %q, %d items, want List of %d", l.Kind, len(l.Items), len(c.Nodes))
		}
		for i := range l.Items {
			same(t, "node "+l.Items[i].Name, &l.Items[i], c.Node(i))
		}
	})
	t.Run("pods", func(t *testing.T) {
		var l corev1.PodList
		decodeStrict(t, readFile(t, "pods.json"), &l)
		if len(l.Items) != testParams.Pods {
			t.Fatalf("%d pods, want %d", len(l.Items), testParams.Pods)
		}
		for i := range l.Items {
			same(t, "pod "+l.Items[i].Name, &l.Items[i], c.Pod(i))
		}
	})
	t.Run("pdbs", func(t *testing.T) {
		var l policyv1.PodDisruptionBudgetList
		decodeStrict(t, readFile(t, "pdbs.json"), &l)
		if len(l.Items) != len(c.PDBs) || len(l.Items) < 4 {
			t.Fatalf("%d PDBs, want %d (at least the three of kube-system and one app)", len(l.Items), len(c.PDBs))
		}
		for i := range l.Items {
			same(t, "pdb "+l.Items[i].Name, &l.Items[i], c.PDB(i))
		}
	})
	t.Run("workloads", func(t *testing.T) {
		var l struct {
			APIVersion string            `json:"apiVersion"`
			Kind       string            `json:"kind"`
			Metadata   map[string]any    `json:"metadata"`
			Items      []json.RawMessage `json:"items"`
		}
		decodeStrict(t, readFile(t, "workloads.json"), &l)
		deploys, dss := c.Deployments(), c.DaemonSets()
		if len(l.Items) != len(deploys)+len(dss) || len(dss) != len(daemonSets) {
			t.Fatalf("%d items, want %d Deployments and %d DaemonSets", len(l.Items), len(deploys), len(daemonSets))
		}
		for i, raw := range l.Items {
			if i < len(deploys) {
				var d appsv1.Deployment
				decodeStrict(t, raw, &d)
				same(t, "deployment "+d.Name, &d, c.Deployment(deploys[i]))
				continue
			}
			var d appsv1.DaemonSet
			decodeStrict(t, raw, &d)
			same(t, "daemonset "+d.Name, &d, c.DaemonSet(dss[i-len(deploys)]))
		}
	})
}

// TestAzSpellings checks the az CLI's key spellings (research §7.2), which differ from ARM's.
func TestAzSpellings(t *testing.T) {
	var pools []map[string]any
	decodeStrict(t, readFile(t, "nodepools.json"), &pools)
	var mc map[string]any
	decodeStrict(t, readFile(t, "cluster.json"), &mc)
	if len(pools) != testParams.Pools {
		t.Fatalf("%d pools, want %d", len(pools), testParams.Pools)
	}
	profiles, _ := mc["agentPoolProfiles"].([]any)
	if len(profiles) != testParams.Pools {
		t.Fatalf("%d agentPoolProfiles, want %d", len(profiles), testParams.Pools)
	}
	cli := []string{"osSku", "osDiskSizeGb", "vnetSubnetId", "enableNodePublicIp", "enableFips", "enableUltraSsd", "podSubnetId",
		"nodePublicIpPrefixId", "proximityPlacementGroupId", "linuxOsConfig"}
	arm := []string{"osSKU", "osDiskSizeGB", "vnetSubnetID", "enableNodePublicIP", "typeProperties"}
	for i, p := range pools {
		prof := profiles[i].(map[string]any)
		for _, k := range cli {
			if _, ok := p[k]; !ok {
				t.Errorf("nodepool %v: missing CLI key %s", p["name"], k)
			}
			if _, ok := prof[k]; !ok {
				t.Errorf("agentPoolProfiles %v: missing CLI key %s", prof["name"], k)
			}
		}
		for _, k := range arm {
			if _, ok := p[k]; ok {
				t.Errorf("nodepool %v: has ARM key %s", p["name"], k)
			}
		}
		if p["typePropertiesType"] != "VirtualMachineScaleSets" || p["type"] != "Microsoft.ContainerService/managedClusters/agentPools" {
			t.Errorf("nodepool %v: typePropertiesType %v, type %v", p["name"], p["typePropertiesType"], p["type"])
		}
		if prof["type"] != "VirtualMachineScaleSets" {
			t.Errorf("agentPoolProfiles %v: type %v", prof["name"], prof["type"])
		}
		if v, ok := p["podSubnetId"]; !ok || v != nil {
			t.Errorf("nodepool %v: podSubnetId = %v, want null", p["name"], v)
		}
	}
	if pools[0]["mode"] != "System" || pools[1]["mode"] != "User" {
		t.Errorf("modes %v, %v: want the system pool first", pools[0]["mode"], pools[1]["mode"])
	}
}

// TestAudit audits the decoded files independently of the plan, as a user's jq would, and
// checks the counts and the planted problems against Expect.
func TestAudit(t *testing.T) {
	c, err := New(testParams)
	if err != nil {
		t.Fatal(err)
	}
	var nodes corev1.NodeList
	decodeStrict(t, readFile(t, "nodes.json"), &nodes)
	var pods corev1.PodList
	decodeStrict(t, readFile(t, "pods.json"), &pods)

	system := map[string]bool{}
	var notReady []string
	for _, n := range nodes.Items {
		if n.Labels["kubernetes.azure.com/mode"] == "system" {
			system[n.Name] = true
		}
		for _, cond := range n.Status.Conditions {
			if cond.Type == corev1.NodeReady && cond.Status != corev1.ConditionTrue {
				notReady = append(notReady, n.Name)
			}
		}
		for _, k := range []string{"kubernetes.azure.com/agentpool", "agentpool", "kubernetes.azure.com/cluster",
			"kubernetes.azure.com/node-image-version", "node.kubernetes.io/instance-type", "topology.kubernetes.io/zone"} {
			if n.Labels[k] == "" && k != "topology.kubernetes.io/zone" {
				t.Errorf("node %s: no label %s", n.Name, k)
			}
		}
	}
	var got Expect
	got.Nodes, got.Pods, got.SystemNodes, got.NotReadyNodes = len(nodes.Items), len(pods.Items), len(system), notReady
	dsPodsPerNode := map[string]int{}
	for _, p := range pods.Items {
		id := p.Namespace + "/" + p.Name
		ds := len(p.OwnerReferences) > 0 && p.OwnerReferences[0].Kind == "DaemonSet"
		if ds {
			dsPodsPerNode[p.Spec.NodeName]++
		}
		switch {
		case p.Namespace == "kube-system" && !ds && p.Spec.NodeName != "" && !system[p.Spec.NodeName]:
			got.KubeSystemOffSystem = append(got.KubeSystemOffSystem, id)
		case p.Namespace != "kube-system" && system[p.Spec.NodeName]:
			got.OthersOnSystem = append(got.OthersOnSystem, id)
		}
		for _, cs := range p.Status.ContainerStatuses {
			if cs.State.Waiting != nil && cs.State.Waiting.Reason == "CrashLoopBackOff" {
				got.CrashLooping = append(got.CrashLooping, id)
			}
		}
		if p.Status.Phase == corev1.PodPending {
			got.Pending = append(got.Pending, id)
		}
	}
	var pdbs policyv1.PodDisruptionBudgetList
	decodeStrict(t, readFile(t, "pdbs.json"), &pdbs)
	for _, b := range pdbs.Items {
		if b.Spec.MaxUnavailable != nil && b.Spec.MaxUnavailable.IntValue() == 0 && b.Spec.MaxUnavailable.StrVal == "" {
			got.BlockingPDBs = append(got.BlockingPDBs, b.Namespace+"/"+b.Name)
		}
	}
	if diff := cmp.Diff(c.Expect, got); diff != "" {
		t.Errorf("audit of the files differs from Expect (-expect +files):\n%s", diff)
	}

	// The counts asked for, and the planted problems present at this size.
	if got.Nodes != testParams.Nodes || got.Pods != testParams.Pods || got.SystemNodes != 3 {
		t.Errorf("nodes %d, pods %d, system nodes %d; want %d, %d, 3", got.Nodes, got.Pods, got.SystemNodes, testParams.Nodes, testParams.Pods)
	}
	for what, n := range map[string]int{"kube-system pods off system nodes": len(got.KubeSystemOffSystem),
		"app pods on system nodes": len(got.OthersOnSystem)} {
		if n != 3 {
			t.Errorf("%s: %d, want 3", what, n)
		}
	}
	for what, n := range map[string]int{"CrashLoopBackOff pods": len(got.CrashLooping), "Pending pods": len(got.Pending),
		"NotReady nodes": len(got.NotReadyNodes), "blocking PDBs": len(got.BlockingPDBs)} {
		if n != 1 {
			t.Errorf("%s: %d, want 1", what, n)
		}
	}
	for _, n := range nodes.Items {
		if dsPodsPerNode[n.Name] != len(daemonSets) {
			t.Errorf("node %s runs %d DaemonSet pods, want %d", n.Name, dsPodsPerNode[n.Name], len(daemonSets))
		}
	}
	var names []string
	for _, p := range pods.Items {
		if p.Namespace == "kube-system" && len(p.OwnerReferences) > 0 && p.OwnerReferences[0].Kind == "ReplicaSet" {
			names = append(names, strings.Join(strings.Split(p.GenerateName, "-")[:len(strings.Split(p.GenerateName, "-"))-2], "-"))
		}
	}
	for _, d := range []string{"coredns", "coredns-autoscaler", "konnectivity-agent", "metrics-server"} {
		if !slices.Contains(names, d) {
			t.Errorf("no kube-system pod of Deployment %s", d)
		}
	}
}

// TestPodSize holds the pods to the size of real ones in kubectl's output: 7-10 KB each.
func TestPodSize(t *testing.T) {
	perPod := len(readFile(t, "pods.json")) / testParams.Pods
	if perPod < 7000 || perPod > 10000 {
		t.Errorf("%d bytes per pod in pods.json, want 7,000-10,000", perPod)
	}
	t.Logf("%d bytes per pod", perPod)
}

func TestSortedAsListed(t *testing.T) {
	c, err := New(testParams)
	if err != nil {
		t.Fatal(err)
	}
	keys := func(n int, key func(int) string) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = key(i)
		}
		return out
	}
	for name, k := range map[string][]string{
		"nodes": keys(len(c.Nodes), func(i int) string { return c.Nodes[i].Name }),
		"pods":  keys(len(c.Pods), func(i int) string { return c.Workloads[c.Pods[i].Workload].Namespace + "/" + c.Pods[i].Name }),
		"pdbs":  keys(len(c.PDBs), func(i int) string { return c.PDBs[i].Namespace + "/" + c.PDBs[i].Name }),
	} {
		if !slices.IsSorted(k) {
			t.Errorf("%s are not in the API server's key order", name)
		}
		if len(slices.Compact(slices.Clone(k))) != len(k) {
			t.Errorf("%s have duplicate names", name)
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		p    Params
		want string // substring of the error; empty: valid
	}{
		{Full, ""},
		{Small, ""},
		{testParams, ""},
		{Params{Nodes: 20, Pods: 1000, Pools: 1}, "--pools 1: need at least 2"},
		{Params{Nodes: 4, Pods: 1000, Pools: 5}, "--nodes 4: need at least 7"},
		{Params{Nodes: 200, Pods: 1000, Pools: 5}, "--pods 1000: need at least 1439"},
	}
	for _, tt := range tests {
		err := tt.p.Validate()
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.p, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v, want one containing %q", tt.p, err, tt.want)
		}
	}
}
