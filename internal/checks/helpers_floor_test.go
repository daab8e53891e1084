package checks

import (
	"testing"
	"time"

	"github.com/syspool/syspool/internal/rule"
)

// TestNodeFloor pins where the node floor comes from: the headroom fixes (SP040, SP041) declare no
// parameter and must not propose fewer nodes than SP006 asks for by default.
func TestNodeFloor(t *testing.T) {
	tests := []struct {
		name   string
		params map[string]any
		want   int
	}{
		{"SP006 minNodes", map[string]any{"minNodes": 2, "minNodesHigh": 2}, 2},
		{"SP027 minCount", map[string]any{"minCount": 4, "headroomNodes": 2}, 4},
		{"headroom rule without a floor parameter", nil, defaultNodeFloor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nodeFloor(rule.NewContext(nil, nil, time.Time{}, tt.params)); got != tt.want {
				t.Errorf("nodeFloor = %d, want %d", got, tt.want)
			}
		})
	}
	if got := sp006.Params[0].Default; got != defaultNodeFloor {
		t.Errorf("SP006 minNodes defaults to %v, want the shared floor %d", got, defaultNodeFloor)
	}
}
