package simulate

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/vmsize"
)

func TestReservationsMatchTheDocsExamples(t *testing.T) {
	// node-resource-reservations.md: 8 GB and 30 pods → 650 MB kube-reserved; 4 GB and 70 pods →
	// 25% of 4 GB; before 1.29, 7 GB → 0.25×4 + 0.20×3 = 1.6 GB plus a 750 Mi eviction threshold.
	tests := []struct {
		mem          int64
		pods, minor  int
		kr, eviction int64
	}{
		{8 * gi, 30, 31, 650 * mi, 100 * mi},
		{4 * gi, 70, 31, 1024 * mi, 100 * mi},
		{7 * gi, 30, 28, gi + 3*gi/5, 750 * mi},
	}
	for _, tt := range tests {
		kr, ev := reservedMemory(tt.mem, tt.pods, tt.minor)
		if kr != tt.kr || ev != tt.eviction {
			t.Errorf("reservedMemory(%s, %d, 1.%d) = %s, %s; want %s, %s", FormatMemory(tt.mem), tt.pods, tt.minor,
				FormatMemory(kr), FormatMemory(ev), FormatMemory(tt.kr), FormatMemory(tt.eviction))
		}
	}
	for cores, want := range map[int64]int64{1: 60, 2: 100, 3: 120, 4: 140, 8: 180, 16: 260, 32: 420, 48: 580, 64: 740, 96: 1060} {
		if got := reservedCPU(cores); got != want {
			t.Errorf("reservedCPU(%d) = %d, want %d", cores, got, want)
		}
	}
}

func TestAllocatableFor(t *testing.T) {
	sz, ok := vmsize.Lookup("Standard_D4ds_v5")
	if !ok {
		t.Fatal("Standard_D4ds_v5 missing from the size table")
	}
	got, how := AllocatableFor(sz, 30, "1.31.2", false)
	want := snapshot.Resources{MilliCPU: 4000 - 140, MemoryBytes: 16*gi - 650*mi - 100*mi, Pods: 30}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AllocatableFor (-want +got):\n%s", diff)
	}
	if !strings.Contains(how, ReservationsSource) {
		t.Errorf("explanation does not cite the reservations page: %s", how)
	}
}

func TestAddPool(t *testing.T) {
	tests := []struct {
		name      string
		snap      *fx
		spec      PoolSpec
		wantNodes []string // name zone cpu mem pods | ds requests
		wantFrom  string
		wantErr   string
	}{
		{
			name: "sized from the table; kube-proxy (tolerates everything) lands on every new node",
			snap: systemCluster(),
			spec: PoolSpec{Name: "sysv2", Mode: "System", VMSize: "Standard_D8ds_v5", Count: 3, Zones: []string{"1", "2", "3"},
				Taints: []snapshot.Taint{critical}, MaxPods: 50},
			wantNodes: []string{
				"aks-sysv2-new-0 westeurope-1 7820m 30.9Gi 50 | 100m 128Mi 1",
				"aks-sysv2-new-1 westeurope-2 7820m 30.9Gi 50 | 100m 128Mi 1",
				"aks-sysv2-new-2 westeurope-3 7820m 30.9Gi 50 | 100m 128Mi 1",
			},
			wantFrom: "Standard_D8ds_v5 (8 vCPU, 32 GiB) from the VM size table",
		},
		{
			name: "copied from a captured node of the same size and maxPods",
			snap: systemCluster(),
			spec: PoolSpec{Name: "sysv2", Mode: "System", VMSize: "Standard_D4ds_v5", Count: 1, MaxPods: 30},
			wantNodes: []string{
				"aks-sysv2-new-0 0 3860m 12Gi 30 | 100m 128Mi 1",
			},
			wantFrom: "copied from node aks-sys-0 (same VM size and maxPods)",
		},
		{
			name:    "unknown sizes are an error, never a guess",
			snap:    systemCluster(),
			spec:    PoolSpec{Name: "x", Mode: "User", VMSize: "Standard_Nope_v9", Count: 1},
			wantErr: `VM size "Standard_Nope_v9" is not in syspool's size table`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := New(tt.snap.s).Apply(Scenario{Kind: AddPool, NewPool: &tt.spec})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range o.AddedNodes {
				got = append(got, strings.Join([]string{n.Name, n.Zone, FormatCPU(n.Allocatable.MilliCPU),
					FormatMemory(n.Allocatable.MemoryBytes), FormatCPU(n.Allocatable.Pods * 1000), "|",
					FormatCPU(n.DaemonSetRequests.MilliCPU), FormatMemory(n.DaemonSetRequests.MemoryBytes),
					FormatCPU(n.DaemonSetRequests.Pods * 1000)}, " "))
				if !strings.HasPrefix(n.AllocatableFrom, tt.wantFrom) {
					t.Errorf("%s: allocatable from %q, want prefix %q", n.Name, n.AllocatableFrom, tt.wantFrom)
				}
			}
			if diff := cmp.Diff(tt.wantNodes, got); diff != "" {
				t.Errorf("nodes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDaemonSetsFollowTaintsAndSelectors(t *testing.T) {
	f := systemCluster().
		pod("kube-system", "ama-win-aks-user-0", "aks-user-0", 200, 300, labelled("app", "ama-win"), daemon(),
			selects(snapshot.LabelOS, "windows")).
		pod("kube-system", "csi-aks-user-0", "aks-user-0", 30, 60, labelled("app", "csi"), daemon(),
			func(p *snapshot.Pod) { p.Tolerations = nil })
	o, err := New(f.s).Apply(Scenario{Kind: AddPool, NewPool: &PoolSpec{Name: "sysv2", Mode: "System",
		VMSize: "Standard_D4ds_v5", Count: 1, Taints: []snapshot.Taint{critical}, MaxPods: 30}})
	if err != nil {
		t.Fatal(err)
	}
	// kube-proxy only: the Windows DaemonSet selects other nodes, csi does not tolerate the taint.
	if got := o.AddedNodes[0].DaemonSetRequests; got.Pods != 1 || got.MilliCPU != 100 {
		t.Errorf("daemonset requests = %+v, want kube-proxy's 100m only", got)
	}
}

func TestScaleUpCopiesThePool(t *testing.T) {
	sim := New(systemCluster().s)
	o, err := sim.Apply(Scenario{Kind: ScalePool, Pool: "sys", Count: 4})
	if err != nil {
		t.Fatal(err)
	}
	if len(o.AddedNodes) != 1 || o.AddedNodes[0].Allocatable.MilliCPU != 3860 || o.AddedNodes[0].Zone != "westeurope-1" {
		t.Fatalf("added = %+v", o.AddedNodes)
	}
	// the new node carries the pool's taint: an app pod does not fit there
	n := sim.byName[o.AddedNodes[0].Name]
	if len(n.taints) != 1 || n.taints[0] != critical {
		t.Errorf("taints = %v, want the pool's CriticalAddonsOnly", n.taints)
	}
}
