package simulate

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/vmsize"
)

// ReservationsSource is the AKS page the reservation figures below are transcribed from
// (MicrosoftDocs/azure-aks-docs articles/aks/node-resource-reservations.md, ms.date 04/16/2024).
const ReservationsSource = "https://learn.microsoft.com/azure/aks/node-resource-reservations"

// kubeReservedCPU is the page's table: CPU cores on host → kube-reserved millicores.
var kubeReservedCPU = [][2]int64{{1, 60}, {2, 100}, {4, 140}, {8, 180}, {16, 260}, {32, 420}, {64, 740}}

// reservedCPU looks the core count up in the table, interpolating linearly between rows (3 cores
// gives 120m) and extending the last segment's 10m per core beyond 64 cores. The page gives only
// the rows; the interpolation is ours.
func reservedCPU(cores int64) int64 {
	t := kubeReservedCPU
	if cores <= t[0][0] {
		return t[0][1]
	}
	for i := 1; i < len(t); i++ {
		if cores <= t[i][0] {
			lo, hi := t[i-1], t[i]
			return lo[1] + (hi[1]-lo[1])*(cores-lo[0])/(hi[0]-lo[0])
		}
	}
	last, prev := t[len(t)-1], t[len(t)-2]
	perCore := (last[1] - prev[1]) / (last[0] - prev[0])
	return last[1] + perCore*(cores-last[0])
}

const mib = 1 << 20

// reservedMemory returns kube-reserved and the hard eviction threshold in bytes.
//
// AKS 1.29 and later: kube-reserved is the lesser of 20 MB × maxPods + 50 MB and 25% of the
// memory; eviction at memory.available < 100Mi. Earlier versions: a regressive rate (25% of the
// first 4 GB, 20% of the next 4, 10% of the next 8, 6% of the next 112, 2% above 128 GB) and
// eviction at 750Mi. The page writes MB and GB; kubelet takes these in Mi and Gi, so we do.
func reservedMemory(memBytes int64, maxPods int, minor int) (kubeReserved, eviction int64) {
	if minor >= 29 {
		byPods := int64(20*maxPods+50) * mib
		quarter := memBytes / 4
		return min(byPods, quarter), 100 * mib
	}
	const gib = 1 << 30
	tiers := []struct {
		upTo int64
		rate float64
	}{{4 * gib, 0.25}, {8 * gib, 0.20}, {16 * gib, 0.10}, {128 * gib, 0.06}, {math.MaxInt64, 0.02}}
	var r float64
	prev := int64(0)
	for _, t := range tiers {
		if memBytes <= prev {
			break
		}
		r += float64(min(memBytes, t.upTo)-prev) * t.rate
		prev = t.upTo
	}
	return int64(r), 750 * mib
}

// AllocatableFor computes what a node of size sz reports as allocatable under AKS's reservations,
// for a cluster at Kubernetes version version ("1.31.2"; "" is taken as 1.29 or later, which every
// supported AKS version is). It returns the figures and a sentence saying how they were found.
// Real nodes report a little less: the page adds that the OS reserves some CPU and memory too.
func AllocatableFor(sz vmsize.Size, maxPods int, version string, windows bool) (snapshot.Resources, string) {
	minor := minorOf(version)
	memBytes := int64(sz.MemoryGiB * (1 << 30))
	cpu := int64(sz.VCPU) * 1000
	kr, ev := reservedMemory(memBytes, maxPods, minor)
	extra := int64(0)
	if windows {
		extra = 2 << 30 // "AKS reserves an extra 2 GB for system processes in Windows nodes"
	}
	res := snapshot.Resources{
		MilliCPU:    cpu - reservedCPU(int64(sz.VCPU)),
		MemoryBytes: memBytes - kr - ev - extra,
		Pods:        int64(maxPods),
	}
	rule := "1.29+"
	if minor < 29 {
		rule = "before 1.29"
	}
	how := fmt.Sprintf("%s (%d vCPU, %s GiB) from the VM size table minus AKS reservations (%s rules): cpu %dm, "+
		"kube-reserved memory %s, eviction threshold %s (%s)", sz.Name, sz.VCPU,
		strconv.FormatFloat(sz.MemoryGiB, 'f', -1, 64), rule, reservedCPU(int64(sz.VCPU)), FormatMemory(kr),
		FormatMemory(ev), ReservationsSource)
	return res, how
}

// minorOf returns the minor version of "1.31.2" or "v1.31", or 99 when unknown.
func minorOf(version string) int {
	parts := strings.Split(strings.TrimPrefix(strings.TrimSpace(version), "v"), ".")
	if len(parts) < 2 {
		return 99
	}
	m, err := strconv.Atoi(parts[1])
	if err != nil {
		return 99
	}
	return m
}
