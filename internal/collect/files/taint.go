package files

import (
	"errors"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/syspool/syspool/internal/snapshot"
)

var taintEffects = []string{"NoSchedule", "PreferNoSchedule", "NoExecute"}

// parseTaint reads an AKS pool taint, "key=value:Effect" or "key:Effect". The effect is matched
// case-insensitively and stored as Kubernetes spells it, so a capture is never rejected over case;
// key and value must be what Kubernetes accepts on a node.
func parseTaint(s string) (snapshot.Taint, error) {
	i := strings.LastIndexByte(s, ':')
	if i < 0 {
		return snapshot.Taint{}, errors.New("it has no :Effect")
	}
	kv, effect := s[:i], s[i+1:]
	t := snapshot.Taint{}
	for _, e := range taintEffects {
		if strings.EqualFold(effect, e) {
			t.Effect = e
		}
	}
	if t.Effect == "" {
		return t, fmt.Errorf("unknown effect %q", effect)
	}
	t.Key, t.Value, _ = strings.Cut(kv, "=")
	if t.Key == "" {
		return t, errors.New("the key is empty")
	}
	if errs := validation.IsQualifiedName(t.Key); len(errs) > 0 {
		return t, fmt.Errorf("bad key %q: %s", t.Key, errs[0])
	}
	if errs := validation.IsValidLabelValue(t.Value); len(errs) > 0 {
		return t, fmt.Errorf("bad value %q: %s", t.Value, errs[0])
	}
	return t, nil
}
