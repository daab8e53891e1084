package simulate

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/syspool/syspool/internal/snapshot"
)

func TestResolveCount(t *testing.T) {
	tests := []struct {
		v       string
		total   int
		want    int
		wantErr bool
	}{
		{"1", 3, 1, false},
		{"33%", 3, 1, false}, // 0.99 rounds up
		{"33%", 9, 3, false}, // DOC-ROLL's example
		{"50%", 5, 3, false},
		{"10%", 3, 1, false}, // the API default is one node for small pools
		{"10%", 25, 3, false},
		{"5", 3, 3, false}, // capped at the nodes to upgrade
		{"0", 3, 0, false},
		{"x", 3, 0, true},
		{"-1", 3, 0, true},
	}
	for _, tt := range tests {
		got, err := ResolveCount(tt.v, tt.total)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ResolveCount(%q, %d) = %d, %v; want %d, error %v", tt.v, tt.total, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestResolveUpgrade(t *testing.T) {
	sys := &snapshot.Pool{Name: "sys", Mode: "System"}
	user := &snapshot.Pool{Name: "user", Mode: "User", Upgrade: snapshot.UpgradeSettings{MaxSurge: "0", MaxUnavailable: "1"}}
	tests := []struct {
		name     string
		pool     *snapshot.Pool
		nodes    int
		override *UpgradeSettings
		want     string // "surge/batch/batches/drain/undrainable" or the error's start
	}{
		{"defaults", sys, 3, nil, "1/1/3/30/Schedule"},
		{"33% on six nodes", sys, 6, &UpgradeSettings{MaxSurge: "33%", DrainTimeoutInMinutes: 45}, "2/2/3/45/Schedule"},
		{"maxUnavailable on a User pool drains in place", user, 4, nil, "0/1/4/30/Schedule"},
		{"maxUnavailable on a System pool is refused", sys, 3, &UpgradeSettings{MaxUnavailable: "1"}, "maxUnavailable 1 is set on System pool sys"},
		{"nothing to roll with", sys, 3, &UpgradeSettings{MaxSurge: "0"}, "maxSurge and maxUnavailable are both 0"},
		{"cordon", sys, 3, &UpgradeSettings{UndrainableNodeBehavior: "Cordon"}, "1/1/3/30/Cordon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			up, err := ResolveUpgrade(tt.pool, tt.nodes, tt.override)
			got := ""
			if err != nil {
				got = err.Error()
			} else {
				got = strings.Join([]string{strconv.Itoa(up.Surge), strconv.Itoa(up.BatchSize), strconv.Itoa(up.Batches), strconv.Itoa(up.DrainTimeoutMinutes),
					up.UndrainableNodeBehavior}, "/")
			}
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("got %q, want prefix %q", got, tt.want)
			}
		})
	}
}

func TestSurgeUpgrade(t *testing.T) {
	tests := []struct {
		name        string
		snap        *fx
		upgrade     *UpgradeSettings
		wantBatches []string // per batch: nodes | placements count | blockers
		stopped     bool
		quarantined bool
		removed     []string
	}{
		{
			name: "default surge of one: three batches, the buffer node leaves at the end",
			snap: systemCluster(),
			wantBatches: []string{
				"aks-sys-0 | +aks-sys-surge-0 | coredns-0→aks-sys-surge-0 | ",
				"aks-sys-1 |  | coredns-1→aks-sys-0 | ",
				"aks-sys-2 |  | metrics-server-0→aks-sys-1 | ",
			},
			removed: []string{"aks-sys-2"},
		},
		{
			name: "a PDB at zero stops the upgrade (Schedule)",
			snap: systemCluster().replicas("kube-system", "konnectivity-agent", 2, []string{"aks-sys-1", "aks-sys-2"}, 20, 20).
				pdb("kube-system", "konnectivity-agent", "2", 2, 2, 2, 0),
			wantBatches: []string{
				"aks-sys-0 | +aks-sys-surge-0 | coredns-0→aks-sys-surge-0 | ",
				"aks-sys-1 |  | coredns-1→aks-sys-0 | pdb kube-system/konnectivity-agent-pdb",
				// all surge nodes go when the upgrade stops; what landed there moves again
				"aks-sys-surge-0 |  | coredns-0→aks-sys-1 | ",
			},
			stopped: true,
			removed: []string{"aks-sys-surge-0"},
		},
		{
			name: "Cordon quarantines the blocked node and keeps a surge node for it",
			snap: systemCluster().replicas("kube-system", "konnectivity-agent", 2, []string{"aks-sys-1", "aks-sys-2"}, 20, 20).
				pdb("kube-system", "konnectivity-agent", "2", 2, 2, 2, 0),
			upgrade: &UpgradeSettings{UndrainableNodeBehavior: "Cordon"},
			wantBatches: []string{
				"aks-sys-0 | +aks-sys-surge-0 | coredns-0→aks-sys-surge-0 | ",
				"aks-sys-1 |  | coredns-1→aks-sys-0 | pdb kube-system/konnectivity-agent-pdb",
				"aks-sys-2 |  | metrics-server-0→aks-sys-0 | pdb kube-system/konnectivity-agent-pdb",
			},
			quarantined: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := New(tt.snap.s).Apply(Scenario{Kind: SurgeUpgrade, Pool: "sys", Upgrade: tt.upgrade})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			stopped, quarantined := false, false
			for _, b := range o.Batches {
				var added, pl, bl []string
				for _, a := range b.Added {
					added = append(added, "+"+a)
				}
				for _, p := range b.Placements {
					pl = append(pl, p.Pod.Name+"→"+p.To)
				}
				for _, x := range b.Blockers {
					bl = append(bl, string(x.Kind)+" "+x.PDB)
				}
				got = append(got, strings.Join([]string{strings.Join(b.Nodes, ","), strings.Join(added, ","),
					strings.Join(pl, ","), strings.Join(bl, ",")}, " | "))
				stopped = stopped || b.Stopped
				quarantined = quarantined || b.Quarantined
			}
			if diff := cmp.Diff(tt.wantBatches, got); diff != "" {
				t.Errorf("batches (-want +got):\n%s", diff)
			}
			if stopped != tt.stopped || quarantined != tt.quarantined {
				t.Errorf("stopped=%v quarantined=%v, want %v %v", stopped, quarantined, tt.stopped, tt.quarantined)
			}
			if diff := cmp.Diff(tt.removed, o.RemovedNodes); diff != "" {
				t.Errorf("removed (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSurgeUpgradeDuration(t *testing.T) {
	up := UpgradePlan{Surge: 1, Batches: 3, DrainTimeoutMinutes: 30, SoakMinutes: 5}
	e := Durations.SurgeUpgrade(up)
	// 3 + 3×(1+5+4) = 33 min; 10 + 3×(30+5+10) = 145 min.
	if e.Min != 33*time.Minute || e.Max != 145*time.Minute {
		t.Errorf("SurgeUpgrade = %v..%v, want 33m..145m (%s)", e.Min, e.Max, e.Model)
	}
	if got := e.String(); got != "33 min–2 h 25 min" {
		t.Errorf("String() = %q", got)
	}
}
