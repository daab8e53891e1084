package snapshot

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

func TestInternerShares(t *testing.T) {
	in := NewInterner()
	secs, other := int64(300), int64(60)
	mk := func() Pod {
		// Fresh strings, as a decoder gives every pod its own.
		s := func(v string) string { return strings.Clone(v) }
		return Pod{Namespace: s("kube-system"), Name: s("coredns-1"), NodeName: s("aks-system-0"),
			Labels:      map[string]string{s("k8s-app"): s("kube-dns")},
			Tolerations: []Toleration{{Key: s("CriticalAddonsOnly"), Operator: s("Exists"), TolerationSeconds: &secs}}}
	}
	a, b, want := mk(), mk(), mk()
	in.Pod(&a)
	in.Pod(&b)
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
	for name, change := range map[string]func(p *Pod){
		"label value":        func(p *Pod) { p.Labels["k8s-app"] = "metrics-server" },
		"extra label":        func(p *Pod) { p.Labels["tier"] = "x" },
		"toleration seconds": func(p *Pod) { p.Tolerations[0].TolerationSeconds = &other },
		"toleration unset":   func(p *Pod) { p.Tolerations[0].TolerationSeconds = nil },
		"toleration effect":  func(p *Pod) { p.Tolerations[0].Effect = "NoSchedule" },
	} {
		c := mk()
		change(&c)
		want := mk()
		change(&want)
		in.Pod(&c)
		if !reflect.DeepEqual(c, want) {
			t.Errorf("%s: interning gave %+v, want %+v", name, c, want)
		}
	}
	if a.Labels["k8s-app"] != "kube-dns" || len(a.Labels) != 1 || a.Tolerations[0].Effect != "" {
		t.Errorf("a later pod changed a shared one: %+v", a)
	}
	var empty Pod
	in.Pod(&empty)
	if empty.Labels != nil || empty.Tolerations != nil {
		t.Errorf("an empty pod gained %+v", empty)
	}
}
