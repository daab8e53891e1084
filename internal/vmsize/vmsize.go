// Package vmsize owns a dated table of the Azure VM sizes that AKS node pools use: vCPUs, memory,
// series and the few traits rules ask about (burstable, GPU, Arm64, premium storage, local disks).
//
// Every row is transcribed from the size tables on learn.microsoft.com, one block per page, and
// each size carries the URL it came from so a finding can cite it. A name that is not in the
// table is unknown: Lookup never guesses a shape from the spelling of a name, because a rule
// that cannot tell the shape of a node must report an error, not a pass.
package vmsize

import (
	"sort"
	"strings"
	"sync"
)

// AsOf is the day the table was last compared with the pages it cites.
const AsOf = "2026-11-27"

// docsBase prefixes every page path in the table.
const docsBase = "https://learn.microsoft.com/azure/virtual-machines/"

// Size is one VM size as its series page describes it.
type Size struct {
	// Name is the spelling used on the size page, e.g. "Standard_D4ds_v5".
	Name      string
	Series    string
	VCPU      int
	MemoryGiB float64

	// Burstable marks the B family, whose sustained CPU is a fraction of its vCPUs.
	Burstable bool
	// GPU marks the N family (NC, ND, NV ...), including fractional-GPU sizes.
	GPU bool
	// ARM64 marks sizes on Arm processors (the "p" sizes); their nodes need arm64 images.
	ARM64 bool

	// PremiumStorage is the "Premium Storage" row of the page's feature table.
	PremiumStorage bool

	// TempDiskKnown tells whether the page gives a local temp disk size at all. When it does,
	// TempDiskGiB is the total over all temp disks and 0 means the page says there is none.
	TempDiskKnown bool
	TempDiskGiB   float64
	// CacheGiB is the host cache size where the page gives one (older premium-storage series);
	// 0 means the page gives none. Ephemeral OS disks can live in the cache or the temp disk.
	CacheGiB float64

	// Source is the page the row was transcribed from.
	Source string
}

// page is one size page's table; a series may span two pages (Dv2 and Dsv2 sizes 11-15 are on
// the memory-optimized page).
type page struct {
	series         string
	path           string
	premiumStorage bool
	sizes          []row
}

type row struct {
	name     string
	vcpu     int
	memGiB   float64
	temp     disk
	cacheGiB float64
}

// disk records the temp disk figures as the page prints them. The zero value means the page
// gives no figure; keep that gap rather than guess one.
type disk struct {
	known bool
	count int     // number of temp disks; 0 with known means "no local storage"
	gib   float64 // size of each disk
}

// noTempDisk is for pages that say "No local storage present in this series".
var noTempDisk = disk{known: true}

// tempDisks is for pages with "Max Temp Storage Disks (Qty.)" and "Temp Disk Size (GiB)"
// columns; the Dadsv6 page states the total is the product of the two.
func tempDisks(n int, gib float64) disk { return disk{known: true, count: n, gib: gib} }

// tempTotal is for older pages with a single "Temp storage" column and no disk count.
func tempTotal(gib float64) disk { return disk{known: true, count: 1, gib: gib} }

// traits are properties of a whole series. Each entry says where the trait is documented.
type traits struct {
	burstable, gpu, arm64 bool
}

// seriesTraits lists every series in the table, so adding a series forces a decision here.
//   - Burstable: the B-series CPU credit model,
//     https://learn.microsoft.com/azure/virtual-machines/b-series-cpu-credit-model/b-series-cpu-credit-model
//   - GPU: the gpu-accelerated pages list accelerators for every size of these series.
//   - ARM64: the Bpsv2 page ("based on the Arm architecture, featuring the Ampere Altra"); the
//     "p" in Dpsv5/Dpdsv5 marks an Arm processor in the naming conventions,
//     https://learn.microsoft.com/azure/virtual-machines/vm-naming-conventions
var seriesTraits = map[string]traits{
	"A":           {},
	"Av2":         {},
	"Bv1":         {burstable: true},
	"Bsv2":        {burstable: true},
	"Basv2":       {burstable: true},
	"Bpsv2":       {burstable: true, arm64: true},
	"Dv2":         {},
	"Dsv2":        {},
	"Dv3":         {},
	"Dsv3":        {},
	"Dv4":         {},
	"Dsv4":        {},
	"Ddv4":        {},
	"Ddsv4":       {},
	"Dv5":         {},
	"Dsv5":        {},
	"Ddv5":        {},
	"Ddsv5":       {},
	"Dasv5":       {},
	"Dadsv5":      {},
	"Dpsv5":       {arm64: true},
	"Dpdsv5":      {arm64: true},
	"Dsv6":        {},
	"Ddsv6":       {},
	"Dasv6":       {},
	"Dadsv6":      {},
	"Ev3":         {},
	"Esv3":        {},
	"Ev4":         {},
	"Edsv4":       {},
	"Ev5":         {},
	"Esv5":        {},
	"Edsv5":       {},
	"Easv5":       {},
	"M":           {},
	"F":           {},
	"Fs":          {},
	"Fsv2":        {},
	"Lsv3":        {},
	"NCv3":        {gpu: true},
	"NCasT4_v3":   {gpu: true},
	"NC_A100_v4":  {gpu: true},
	"ND":          {gpu: true},
	"NVadsA10_v5": {gpu: true},
}

func allPages() [][]page {
	return [][]page{generalPurpose, memoryOptimized, computeStorageGPU}
}

type index struct {
	byName   map[string]Size   // key: lower-case name
	sources  map[string]string // series -> first page listed for it
	ordered  []Size
	problems []string // table defects found while indexing; the tests require none
}

var loadIndex = sync.OnceValue(func() *index {
	ix := &index{byName: map[string]Size{}, sources: map[string]string{}}
	for _, group := range allPages() {
		for _, p := range group {
			t, ok := seriesTraits[p.series]
			if !ok {
				ix.problems = append(ix.problems, "series "+p.series+" has no entry in seriesTraits")
			}
			url := docsBase + p.path
			if _, seen := ix.sources[p.series]; !seen {
				ix.sources[p.series] = url
			}
			for _, r := range p.sizes {
				s := Size{
					Name:           r.name,
					Series:         p.series,
					VCPU:           r.vcpu,
					MemoryGiB:      r.memGiB,
					Burstable:      t.burstable,
					GPU:            t.gpu,
					ARM64:          t.arm64,
					PremiumStorage: p.premiumStorage,
					TempDiskKnown:  r.temp.known,
					TempDiskGiB:    float64(r.temp.count) * r.temp.gib,
					CacheGiB:       r.cacheGiB,
					Source:         url,
				}
				key := normalize(r.name)
				if _, dup := ix.byName[key]; dup {
					ix.problems = append(ix.problems, "duplicate size "+r.name)
					continue
				}
				ix.byName[key] = s
				ix.ordered = append(ix.ordered, s)
			}
		}
	}
	sort.Strings(ix.problems)
	return ix
})

// normalize folds the spellings AKS, ARM and node labels use for the same size: the API is
// case-insensitive, and labels such as node.kubernetes.io/instance-type may come lower-cased.
func normalize(name string) string {
	return strings.ToLower(strings.TrimSpace(name))
}

// Lookup returns the size named name, ignoring case. ok is false for any name not in the table,
// including real sizes that were not transcribed: callers must treat that as "shape unknown".
func Lookup(name string) (s Size, ok bool) {
	s, ok = loadIndex().byName[normalize(name)]
	return s, ok
}

// All returns every size in table order (by page, then as the page lists them).
func All() []Size {
	ix := loadIndex()
	out := make([]Size, len(ix.ordered))
	copy(out, ix.ordered)
	return out
}

// SourceURL returns the page that lists the series' sizes, or "" for an unknown series. For a
// series split over two pages it is the first one; Size.Source names the exact page of a row.
func SourceURL(series string) string {
	return loadIndex().sources[series]
}

// RestrictedSourceURL is the AKS page whose "Restricted VM sizes" section Restricted follows.
const RestrictedSourceURL = "https://learn.microsoft.com/azure/aks/quotas-skus-regions#restricted-vm-sizes"

// restrictedNames are the sizes the AKS page names. Earlier revisions of the page also named
// Standard_B1s and Standard_B1ms; the current one covers them with the two-vCPU rule instead.
var restrictedNames = []string{
	"Standard_A0",
	"Standard_A1",
	"Standard_A1_v2",
	"Standard_F1",
	"Standard_F1s",
}

// Restricted reports whether AKS documents that name may not be used for nodes: it is one of the
// sizes the page lists, or a known size with fewer than two vCPUs ("VM sizes with fewer than two
// CPUs may not be used with AKS"), which covers Standard_B1ls, B1s and B1ms. An unknown name is
// not reported as restricted; the caller already reports it as unknown.
//
// The same page also says not to use B-series sizes for system node pools; that is a separate
// question (Size.Burstable) because B sizes with two or more vCPUs are valid for user pools.
func Restricted(name string) bool {
	key := normalize(name)
	for _, r := range restrictedNames {
		if normalize(r) == key {
			return true
		}
	}
	s, ok := Lookup(name)
	return ok && s.VCPU < 2
}

// RestrictedNames returns the sizes the AKS page lists by name.
func RestrictedNames() []string {
	out := make([]string, len(restrictedNames))
	copy(out, restrictedNames)
	return out
}
