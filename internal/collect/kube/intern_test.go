package kube

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/syspool/syspool/internal/snapshot"
)

func TestInternerShares(t *testing.T) {
	in := newInterner()
	secs := int64(300)
	mk := func() snapshot.Pod {
		// Fresh strings, as a decoded page gives every pod its own.
		s := func(v string) string { return strings.Clone(v) }
		return snapshot.Pod{Namespace: s("kube-system"), Name: s("coredns-1"), NodeName: s("aks-system-0"),
			Labels:      map[string]string{s("k8s-app"): s("kube-dns")},
			Tolerations: []snapshot.Toleration{{Key: s("CriticalAddonsOnly"), Operator: s("Exists"), TolerationSeconds: &secs}}}
	}
	a, b := mk(), mk()
	want := mk()
	in.pod(&a)
	in.pod(&b)
	if !reflect.DeepEqual(a, want) || !reflect.DeepEqual(b, want) {
		t.Fatalf("interning changed a pod:\n%+v\n%+v\nwant %+v", a, b, want)
	}
	if unsafe.StringData(a.Namespace) != unsafe.StringData(b.Namespace) {
		t.Error("namespaces are not shared")
	}
	if reflect.ValueOf(a.Labels).UnsafePointer() != reflect.ValueOf(b.Labels).UnsafePointer() {
		t.Error("label maps are not shared")
	}
	if &a.Tolerations[0] != &b.Tolerations[0] {
		t.Error("tolerations are not shared")
	}
	other := mk()
	other.Labels["k8s-app"] = "metrics-server"
	in.pod(&other)
	if other.Labels["k8s-app"] != "metrics-server" || a.Labels["k8s-app"] != "kube-dns" {
		t.Errorf("different labels were merged: %v, %v", other.Labels, a.Labels)
	}
}
