package checks

import (
	"strings"

	"github.com/syspool/syspool/internal/snapshot"
)

// tolerationFor returns the toleration that tolerates taint t, following the Kubernetes rules
// (an empty key with operator Exists matches every taint; an empty effect matches every effect;
// Exists ignores the value; Equal, the default operator, compares it).
//
// This is a small copy of k8s.io/component-helpers' ToleratesTaint rather than a call to it, on
// purpose: that package is not a dependency of this module (adding it means a go.mod change
// outside the checks package), it works on corev1 types we would have to build from the
// snapshot's, and it answers only "tolerated or not" while SP014 must name *which* toleration let
// a pod onto a system node. Only SP014 uses it.
func tolerationFor(tols []snapshot.Toleration, t snapshot.Taint) (snapshot.Toleration, bool) {
	for _, tol := range tols {
		if tol.Effect != "" && tol.Effect != t.Effect {
			continue
		}
		if tol.Key == "" {
			if tol.Operator == "Exists" {
				return tol, true
			}
			continue
		}
		if tol.Key != t.Key {
			continue
		}
		switch tol.Operator {
		case "Exists":
			return tol, true
		case "", "Equal":
			if tol.Value == t.Value {
				return tol, true
			}
		}
	}
	return snapshot.Toleration{}, false
}

// describeToleration names a toleration as a reader would look for it in a manifest.
func describeToleration(tol snapshot.Toleration) string {
	if tol.Key == "" && tol.Operator == "Exists" {
		s := "operator: Exists with no key (tolerates every taint"
		if tol.Effect != "" {
			s += " with effect " + tol.Effect
		}
		return s + ")"
	}
	parts := []string{"key: " + tol.Key, "operator: " + orDefault(tol.Operator, "Equal")}
	if tol.Value != "" {
		parts = append(parts, "value: "+tol.Value)
	}
	if tol.Effect != "" {
		parts = append(parts, "effect: "+tol.Effect)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}
