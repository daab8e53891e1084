package snapshot

import (
	"slices"
	"strings"
	"testing"
)

// TestJoinNotesNodesOutsidePools checks which nodes outside the listed pools Join points out: AKS
// Automatic's hosted system nodes and its system-surge nodes are expected there and are not, while
// any other node still is, on Automatic clusters as on others.
func TestJoinNotesNodesOutsidePools(t *testing.T) {
	node := func(name, pool, mode, karpenter string) Node {
		l := map[string]string{}
		if pool != "" {
			l[LabelAgentPool] = pool
		}
		if mode != "" {
			l[LabelMode] = mode
		}
		if karpenter != "" {
			l[LabelKarpenterNodePool] = karpenter
		}
		return Node{Name: name, Labels: l}
	}
	apps := node("aks-apppool-0", "apppool", "user", "")
	hosted := node("aks-hostedpool-vms4", "hostedpool", "system", "")
	surge := node("aks-system-surge-7tq4d", "", "system", "system-surge")
	napUser := node("aks-default-x2k9d", "", "user", "default")
	stray := node("aks-oldpool-0", "oldpool", "user", "")
	tests := []struct {
		name   string
		hosted bool
		nodes  []Node
		want   []string // node names the note must list; nil: no note
	}{
		{"automatic: hosted and surge nodes are expected", true, []Node{apps, hosted, surge}, nil},
		{"automatic: a stray node is still noted", true, []Node{apps, hosted, surge, stray}, []string{"aks-oldpool-0"}},
		{"automatic: a user node of Node Auto Provisioning is still noted", true, []Node{apps, hosted, napUser}, []string{"aks-default-x2k9d"}},
		{"standard: system nodes outside the pools are noted", false, []Node{apps, hosted, surge},
			[]string{"aks-hostedpool-vms4", "aks-system-surge-7tq4d"}},
		{"every node in a pool: no note", false, []Node{apps}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Snapshot{Cluster: Cluster{HostedSystemPool: tt.hosted}, Pools: []Pool{{Name: "apppool", Mode: ModeUser}},
				Nodes: append([]Node(nil), tt.nodes...)}
			notes := Join(s)
			if tt.want == nil {
				if len(notes) != 0 {
					t.Fatalf("want no note, got %q", notes)
				}
				return
			}
			if len(notes) != 1 {
				t.Fatalf("want one note, got %q", notes)
			}
			for _, n := range tt.want {
				if !strings.Contains(notes[0].Message, n) {
					t.Errorf("note %q does not name %s", notes[0].Message, n)
				}
			}
			for _, n := range tt.nodes {
				if !slices.Contains(tt.want, n.Name) && strings.Contains(notes[0].Message, n.Name) {
					t.Errorf("note %q names %s, which is expected outside the pools", notes[0].Message, n.Name)
				}
			}
		})
	}
}
