package vmsize

import (
	"regexp"
	"strings"
	"testing"
)

// The expected values below were read off the cited pages, not derived from the table.
func TestLookupKnownSizes(t *testing.T) {
	tests := []struct {
		name string
		want Size
	}{
		{"Standard_D4ds_v5", Size{Name: "Standard_D4ds_v5", Series: "Ddsv5", VCPU: 4, MemoryGiB: 16,
			PremiumStorage: true, TempDiskKnown: true, TempDiskGiB: 150,
			Source: docsBase + "sizes/general-purpose/ddsv5-series"}},
		{"standard_d4s_v3", Size{Name: "Standard_D4s_v3", Series: "Dsv3", VCPU: 4, MemoryGiB: 16,
			PremiumStorage: true, TempDiskKnown: true, TempDiskGiB: 32, CacheGiB: 100,
			Source: docsBase + "sizes/general-purpose/dsv3-series"}},
		{"Standard_DS2_v2", Size{Name: "Standard_DS2_v2", Series: "Dsv2", VCPU: 2, MemoryGiB: 7,
			PremiumStorage: true, TempDiskKnown: true, TempDiskGiB: 14,
			Source: docsBase + "sizes/general-purpose/dsv2-series"}},
		{"Standard_DS12_v2", Size{Name: "Standard_DS12_v2", Series: "Dsv2", VCPU: 4, MemoryGiB: 28,
			PremiumStorage: true, TempDiskKnown: true, TempDiskGiB: 56, CacheGiB: 144,
			Source: docsBase + "sizes/memory-optimized/dv2-dsv2-series-memory"}},
		{"Standard_D2_v5", Size{Name: "Standard_D2_v5", Series: "Dv5", VCPU: 2, MemoryGiB: 8,
			TempDiskKnown: true, Source: docsBase + "sizes/general-purpose/dv5-series"}},
		{"Standard_D64ps_v5", Size{Name: "Standard_D64ps_v5", Series: "Dpsv5", VCPU: 64, MemoryGiB: 208,
			ARM64: true, PremiumStorage: true, TempDiskKnown: true,
			Source: docsBase + "sizes/general-purpose/dpsv5-series"}},
		{"Standard_D16ds_v6", Size{Name: "Standard_D16ds_v6", Series: "Ddsv6", VCPU: 16, MemoryGiB: 64,
			PremiumStorage: true, TempDiskKnown: true, TempDiskGiB: 880,
			Source: docsBase + "sizes/general-purpose/ddsv6-series"}},
		{"Standard_B2s", Size{Name: "Standard_B2s", Series: "Bv1", VCPU: 2, MemoryGiB: 4, Burstable: true,
			PremiumStorage: true, TempDiskKnown: true, TempDiskGiB: 8,
			Source: docsBase + "sizes/general-purpose/bv1-series"}},
		{"Standard_B2pts_v2", Size{Name: "Standard_B2pts_v2", Series: "Bpsv2", VCPU: 2, MemoryGiB: 1,
			Burstable: true, ARM64: true, PremiumStorage: true, TempDiskKnown: true,
			Source: docsBase + "sizes/general-purpose/bpsv2-series"}},
		{"Standard_E64i_v3", Size{Name: "Standard_E64i_v3", Series: "Ev3", VCPU: 64, MemoryGiB: 432,
			TempDiskKnown: true, TempDiskGiB: 1600, Source: docsBase + "sizes/memory-optimized/ev3-esv3-series"}},
		{"Standard_E104ids_v5", Size{Name: "Standard_E104ids_v5", Series: "Edsv5", VCPU: 104, MemoryGiB: 672,
			PremiumStorage: true, TempDiskKnown: true, TempDiskGiB: 3800,
			Source: docsBase + "sizes/memory-optimized/edsv5-series"}},
		{"Standard_M8ms", Size{Name: "Standard_M8ms", Series: "M", VCPU: 8, MemoryGiB: 218.75,
			PremiumStorage: true, TempDiskKnown: true, TempDiskGiB: 256, CacheGiB: 793,
			Source: docsBase + "sizes/memory-optimized/m-series"}},
		{"Standard_F8s_v2", Size{Name: "Standard_F8s_v2", Series: "Fsv2", VCPU: 8, MemoryGiB: 16,
			PremiumStorage: true, TempDiskKnown: true, TempDiskGiB: 64,
			Source: docsBase + "sizes/compute-optimized/fsv2-series"}},
		{"Standard_L8s_v3", Size{Name: "Standard_L8s_v3", Series: "Lsv3", VCPU: 8, MemoryGiB: 64,
			PremiumStorage: true, TempDiskKnown: true, TempDiskGiB: 80,
			Source: docsBase + "sizes/storage-optimized/lsv3-series"}},
		{"Standard_NC6s_v3", Size{Name: "Standard_NC6s_v3", Series: "NCv3", VCPU: 6, MemoryGiB: 112, GPU: true,
			PremiumStorage: true, TempDiskKnown: true, TempDiskGiB: 736,
			Source: docsBase + "sizes/gpu-accelerated/ncv3-series"}},
		{"Standard_NC4as_T4_v3", Size{Name: "Standard_NC4as_T4_v3", Series: "NCasT4_v3", VCPU: 4, MemoryGiB: 28,
			GPU: true, PremiumStorage: true, TempDiskKnown: true, TempDiskGiB: 176,
			Source: docsBase + "sizes/gpu-accelerated/ncast4v3-series"}},
		{"Standard_NV6ads_A10_v5", Size{Name: "Standard_NV6ads_A10_v5", Series: "NVadsA10_v5", VCPU: 6,
			MemoryGiB: 55, GPU: true, PremiumStorage: true, TempDiskKnown: true, TempDiskGiB: 180,
			Source: docsBase + "sizes/gpu-accelerated/nvadsa10v5-series"}},
		{"Standard_A0", Size{Name: "Standard_A0", Series: "A", VCPU: 1, MemoryGiB: 0.768,
			TempDiskKnown: true, TempDiskGiB: 20, Source: docsBase + "sizes-previous-gen"}},
		{"Standard_F1s", Size{Name: "Standard_F1s", Series: "Fs", VCPU: 1, MemoryGiB: 2, PremiumStorage: true,
			TempDiskKnown: true, TempDiskGiB: 4, CacheGiB: 12, Source: docsBase + "sizes-previous-gen"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Lookup(tt.name)
			if !ok {
				t.Fatalf("Lookup(%q) not found", tt.name)
			}
			if got != tt.want {
				t.Errorf("Lookup(%q) =\n %+v\nwant\n %+v", tt.name, got, tt.want)
			}
		})
	}
}

func TestLookupIgnoresCaseAndSpace(t *testing.T) {
	for _, spelling := range []string{"Standard_D4s_v3", "standard_d4s_v3", "STANDARD_D4S_V3", " Standard_D4s_v3\n"} {
		got, ok := Lookup(spelling)
		if !ok || got.Name != "Standard_D4s_v3" {
			t.Errorf("Lookup(%q) = %q, %v; want Standard_D4s_v3, true", spelling, got.Name, ok)
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	for _, name := range []string{
		"",
		"Standard_D4ds_v7",   // real size, not transcribed: unknown, not guessed
		"D4ds_v5",            // no "Standard_" prefix: not a size name
		"Standard_B1ls2",     // the Bv1 page's typo
		"Standard_D4ds_v5_x", // near miss
	} {
		if got, ok := Lookup(name); ok {
			t.Errorf("Lookup(%q) = %+v, true; want unknown", name, got)
		}
	}
}

func TestRestricted(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"Standard_A0", true},
		{"standard_a1", true},
		{"Standard_A1_v2", true},
		{"Standard_F1", true},
		{"Standard_F1s", true},
		{"Standard_B1ls", true}, // one vCPU
		{"Standard_B1s", true},
		{"Standard_B1ms", true},
		{"Standard_DS1_v2", true},
		{"Standard_B2s", false}, // burstable, but only system pools are told to avoid it
		{"Standard_D2s_v3", false},
		{"Standard_DS2_v2", false},
		{"Standard_Unknown1", false},
	}
	for _, tt := range tests {
		if got := Restricted(tt.name); got != tt.want {
			t.Errorf("Restricted(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestRestrictedNamesAreInTable(t *testing.T) {
	for _, name := range RestrictedNames() {
		if _, ok := Lookup(name); !ok {
			t.Errorf("restricted size %s has no row, so its shape cannot be shown as evidence", name)
		}
	}
}

func TestTableIntegrity(t *testing.T) {
	ix := loadIndex()
	for _, p := range ix.problems {
		t.Error(p)
	}
	if n := len(All()); n < 300 {
		t.Errorf("table has %d sizes; expected the full transcription (>300)", n)
	}
	used := map[string]bool{}
	for _, s := range All() {
		used[s.Series] = true
		if !strings.HasPrefix(s.Name, "Standard_") {
			t.Errorf("%s: name does not start with Standard_", s.Name)
		}
		if s.VCPU <= 0 || s.MemoryGiB <= 0 {
			t.Errorf("%s: vCPU %d, memory %v GiB; both must be positive", s.Name, s.VCPU, s.MemoryGiB)
		}
		if s.TempDiskGiB < 0 || s.CacheGiB < 0 {
			t.Errorf("%s: negative disk figure", s.Name)
		}
		if !s.TempDiskKnown && s.TempDiskGiB != 0 {
			t.Errorf("%s: temp disk size without a source figure", s.Name)
		}
		if !strings.HasPrefix(s.Source, "https://learn.microsoft.com/azure/virtual-machines/") {
			t.Errorf("%s: source %q is not a learn.microsoft.com VM size page", s.Name, s.Source)
		}
		if SourceURL(s.Series) == "" {
			t.Errorf("%s: series %s has no SourceURL", s.Name, s.Series)
		}
	}
	for series := range seriesTraits {
		if !used[series] {
			t.Errorf("seriesTraits lists %s but no size uses it", series)
		}
	}
	if got := SourceURL("NoSuchSeries"); got != "" {
		t.Errorf("SourceURL(unknown) = %q, want empty", got)
	}
}

// The traits come from the series pages; this checks them against Azure's naming convention so
// a new series added with the wrong traits stands out. It is a test, not a rule: Lookup never
// derives anything from a name.
func TestTraitsAgreeWithNaming(t *testing.T) {
	arm := regexp.MustCompile(`^Standard_[BD]\d+p`)
	for _, s := range All() {
		family := strings.TrimPrefix(s.Name, "Standard_")[:1]
		if want := family == "B"; s.Burstable != want {
			t.Errorf("%s: Burstable = %v, want %v", s.Name, s.Burstable, want)
		}
		if want := family == "N"; s.GPU != want {
			t.Errorf("%s: GPU = %v, want %v", s.Name, s.GPU, want)
		}
		if want := arm.MatchString(s.Name); s.ARM64 != want {
			t.Errorf("%s: ARM64 = %v, want %v", s.Name, s.ARM64, want)
		}
	}
}

func TestAllReturnsACopy(t *testing.T) {
	a := All()
	a[0].VCPU = -1
	if All()[0].VCPU == -1 {
		t.Error("All exposes the table for mutation")
	}
}
