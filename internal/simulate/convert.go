package simulate

import (
	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/syspool/syspool/internal/snapshot"
)

// The predicates are component-helpers' and apimachinery's, not ours: this file only builds the
// minimal corev1 and metav1 values they take from snapshot values, so a fix upstream (say, in how
// an empty toleration key matches) is a dependency bump here rather than a re-implementation.

// discard is the logger component-helpers wants; it logs only malformed Lt/Gt tolerations, which
// stay disabled (enableComparisonOperators=false, as with the alpha feature gate off).
var discard = logr.Discard()

func coreTaints(ts []snapshot.Taint) []corev1.Taint {
	out := make([]corev1.Taint, len(ts))
	for i, t := range ts {
		out[i] = corev1.Taint{Key: t.Key, Value: t.Value, Effect: corev1.TaintEffect(t.Effect)}
	}
	return out
}

func coreTolerations(ts []snapshot.Toleration) []corev1.Toleration {
	out := make([]corev1.Toleration, len(ts))
	for i, t := range ts {
		out[i] = corev1.Toleration{Key: t.Key, Operator: corev1.TolerationOperator(t.Operator), Value: t.Value,
			Effect: corev1.TaintEffect(t.Effect), TolerationSeconds: t.TolerationSeconds}
	}
	return out
}

func coreNodeSelectorRequirements(rs []snapshot.Requirement) []corev1.NodeSelectorRequirement {
	if len(rs) == 0 {
		return nil
	}
	out := make([]corev1.NodeSelectorRequirement, len(rs))
	for i, r := range rs {
		out[i] = corev1.NodeSelectorRequirement{Key: r.Key, Operator: corev1.NodeSelectorOperator(r.Operator),
			Values: append([]string(nil), r.Values...)}
	}
	return out
}

// coreNode builds the node the scheduler's predicates look at: name (for matchFields), labels and
// taints. Cordoning is checked separately so the reason can say "cordoned".
func coreNode(name string, lbls map[string]string, taints []snapshot.Taint) *corev1.Node {
	return &corev1.Node{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: lbls},
		Spec:       corev1.NodeSpec{Taints: coreTaints(taints)},
	}
}

// corePod builds the pod spec fields the taint and node-affinity predicates read.
func corePod(p *snapshot.Pod) *corev1.Pod {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: p.Namespace, Name: p.Name, Labels: p.Labels},
		Spec: corev1.PodSpec{
			NodeSelector: p.NodeSelector,
			Tolerations:  coreTolerations(p.Tolerations),
		},
	}
	if len(p.RequiredNodeAffinity) > 0 {
		terms := make([]corev1.NodeSelectorTerm, len(p.RequiredNodeAffinity))
		for i, t := range p.RequiredNodeAffinity {
			terms[i] = corev1.NodeSelectorTerm{
				MatchExpressions: coreNodeSelectorRequirements(t.MatchExpressions),
				MatchFields:      coreNodeSelectorRequirements(t.MatchFields),
			}
		}
		pod.Spec.Affinity = &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{NodeSelectorTerms: terms}}}
	}
	return pod
}

// selector converts a snapshot label selector with apimachinery's rules: an empty selector
// matches everything. A selector that does not parse matches nothing, and ok is false so the
// caller can say so.
func selector(s snapshot.LabelSelector) (sel labels.Selector, ok bool) {
	ls := &metav1.LabelSelector{MatchLabels: s.MatchLabels}
	for _, r := range s.MatchExpressions {
		ls.MatchExpressions = append(ls.MatchExpressions, metav1.LabelSelectorRequirement{
			Key: r.Key, Operator: metav1.LabelSelectorOperator(r.Operator), Values: r.Values})
	}
	out, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		return labels.Nothing(), false
	}
	return out, true
}

// selectorWithKeys adds matchLabelKeys (topology spread) as key=value requirements taken from the
// incoming pod's own labels, as the scheduler does.
func selectorWithKeys(s *snapshot.LabelSelector, keys []string, podLabels map[string]string) (labels.Selector, bool) {
	if s == nil {
		return labels.Nothing(), true
	}
	c := *s
	if len(keys) > 0 {
		ml := map[string]string{}
		for k, v := range s.MatchLabels {
			ml[k] = v
		}
		for _, k := range keys {
			if v, ok := podLabels[k]; ok {
				ml[k] = v
			}
		}
		c.MatchLabels = ml
	}
	return selector(c)
}
