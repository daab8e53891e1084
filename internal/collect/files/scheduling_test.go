package files

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syspool/syspool/internal/snapshot"
)

// The what-if simulation honours required anti-affinity and hard topology spread, so the reader
// must carry them from captures.
func TestPodSchedulingConstraints(t *testing.T) {
	const pod = `apiVersion: v1
kind: Pod
metadata: {name: coredns-abc12-x1, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  nodeName: aks-system-1-vmss000000
  containers: [{name: coredns, image: mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3}]
  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - topologyKey: kubernetes.io/hostname
        labelSelector:
          matchExpressions: [{key: k8s-app, operator: In, values: [kube-dns]}]
  topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: DoNotSchedule
    nodeTaintsPolicy: Honor
    labelSelector: {matchLabels: {k8s-app: kube-dns}}
`
	path := filepath.Join(t.TempDir(), "pod.yaml")
	if err := os.WriteFile(path, []byte(pod), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Paths: []string{path}}).Collect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	p := s.Pods[0]
	wantAnti := []snapshot.PodAffinityTerm{{TopologyKey: "kubernetes.io/hostname", LabelSelector: snapshot.LabelSelector{
		MatchExpressions: []snapshot.Requirement{{Key: "k8s-app", Operator: "In", Values: []string{"kube-dns"}}}}}}
	if d := cmp.Diff(wantAnti, p.RequiredAntiAffinity); d != "" {
		t.Errorf("anti-affinity (-want +got):\n%s", d)
	}
	wantSpread := []snapshot.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone",
		WhenUnsatisfiable: "DoNotSchedule", NodeTaintsPolicy: "Honor",
		LabelSelector: &snapshot.LabelSelector{MatchLabels: map[string]string{"k8s-app": "kube-dns"}}}}
	if d := cmp.Diff(wantSpread, p.TopologySpread); d != "" {
		t.Errorf("topology spread (-want +got):\n%s", d)
	}
}
