package live

import (
	"errors"
	"strings"
	"testing"

	"k8s.io/client-go/rest"

	"github.com/syspool/syspool/internal/collect/kube"
	"github.com/syspool/syspool/internal/snapshot"
)

// Which matches stop a run: any mismatch, and an unverified match when evidence could have
// existed (cluster and nodes read); --allow-context-mismatch turns a stop into a note.
func TestDecide(t *testing.T) {
	read := &snapshot.Snapshot{Cluster: snapshot.Cluster{Name: "aks"}, Coverage: snapshot.Coverage{snapshot.KindCluster: {Present: true}}}
	unread := &snapshot.Snapshot{Cluster: snapshot.Cluster{Name: "aks"}, Coverage: snapshot.Coverage{snapshot.KindCluster: {Reason: "403"}}}
	ko := kube.Options{Config: &rest.Config{Host: "https://proxy.example.com"}, Context: "prod"}
	tests := []struct {
		name      string
		az        *snapshot.Snapshot
		verdict   Verdict
		nodesRead bool
		allow     bool
		wantStop  bool
		wantNote  string
	}{
		{name: "matched", az: read, verdict: Matched, nodesRead: true, wantNote: "matched: e"},
		{name: "mismatched", az: read, verdict: Mismatched, nodesRead: true, wantStop: true},
		{name: "mismatched, allowed", az: read, verdict: Mismatched, nodesRead: true, allow: true, wantNote: "(audited anyway: --allow-context-mismatch)"},
		{name: "unverified with nodes and cluster read", az: read, verdict: Unverified, nodesRead: true, wantStop: true},
		{name: "unverified without nodes", az: read, verdict: Unverified, wantNote: "unverified: e"},
		{name: "unverified without the cluster", az: unread, verdict: Unverified, nodesRead: true, wantNote: "unverified: e"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := New(Options{AllowContextMismatch: tt.allow})
			note, err := c.decide(tt.az, ko, Match{Verdict: tt.verdict, Evidence: []string{"e"}}, tt.nodesRead)
			var ce *ContextError
			if got := errors.As(err, &ce); got != tt.wantStop {
				t.Fatalf("stop = %v (%v), want %v", got, err, tt.wantStop)
			}
			if tt.wantStop && !strings.Contains(err.Error(), `kube context "prod" (API server https://proxy.example.com)`) {
				t.Errorf("message = %v", err)
			}
			if !strings.Contains(note, tt.wantNote) {
				t.Errorf("note = %q, want %q", note, tt.wantNote)
			}
		})
	}
}
