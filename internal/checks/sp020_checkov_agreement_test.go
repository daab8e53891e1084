package checks

import (
	"testing"

	"github.com/syspool/syspool/internal/engine"
	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
)

// TestCheckovAgreement replays the ARM test fixtures of the Checkov checks that overlap syspool's
// rules (bridgecrewio/checkov 03d5fdad, tests/arm/checks/resource/example_AKS*, verdicts from
// /work/shared/corpus/checkov/expected.tsv). Each row carries the pool properties that decide the
// verdict, transcribed from the fixture's template, Checkov's verdict, and syspool's. Where they
// differ, why says which source syspool follows instead; every other row must agree.
func TestCheckovAgreement(t *testing.T) {
	i := func(n int) *int { return &n }
	b := func(v bool) *bool { return &v }
	tests := []struct {
		fixture, checkov, rule string
		pool                   snapshot.Pool
		networkPlugin          string // "" when the template has no cluster (an agentPools resource)
		checkovVerdict         rule.Status
		want                   rule.Status
		why                    string
	}{
		// CKV_AZURE_227 AKSEncryptionAtHostEnabled / SP037
		{"pass", "CKV_AZURE_227", "SP037", snapshot.Pool{EnableEncryptionAtHost: b(true)}, "", rule.Pass, rule.Pass, ""},
		{"passA", "CKV_AZURE_227", "SP037", snapshot.Pool{EnableEncryptionAtHost: b(true)}, "", rule.Pass, rule.Pass, ""},
		{"fail1", "CKV_AZURE_227", "SP037", snapshot.Pool{EnableEncryptionAtHost: b(false)}, "", rule.Fail, rule.Fail, ""},
		{"fail2", "CKV_AZURE_227", "SP037", snapshot.Pool{}, "", rule.Fail, rule.Fail, ""},
		{"failA1", "CKV_AZURE_227", "SP037", snapshot.Pool{EnableEncryptionAtHost: b(false)}, "", rule.Fail, rule.Fail, ""},
		{"failA2", "CKV_AZURE_227", "SP037", snapshot.Pool{}, "", rule.Fail, rule.Fail, ""},
		// CKV_AZURE_226 AKSEphemeralOSDisks / SP036 (the default pool is the System pool)
		{"pass", "CKV_AZURE_226", "SP036", snapshot.Pool{OSDiskType: "Ephemeral"}, "", rule.Pass, rule.Pass, ""},
		{"fail2", "CKV_AZURE_226", "SP036", snapshot.Pool{OSDiskType: "Managed"}, "", rule.Fail, rule.Fail, ""},
		{"fail", "CKV_AZURE_226", "SP036", snapshot.Pool{VMSize: "Standard_E4ads_v5"}, "", rule.Fail, rule.Error,
			"osDiskType unset: AKS picks Ephemeral when the size's local storage holds the OS disk, so neither verdict is known"},
		// CKV_AZURE_168 AKSMaxPodsMinimum / SP023
		{"agentPoolProfiles_with_maxPods_pass", "CKV_AZURE_168", "SP023", snapshot.Pool{MaxPods: i(51)}, "kubenet", rule.Pass, rule.Pass, ""},
		{"agentPoolProfiles_with_maxPods_fail4", "CKV_AZURE_168", "SP023", snapshot.Pool{MaxPods: i(28)}, "kubenet", rule.Fail, rule.Fail, ""},
		{"agentPoolProfiles_without_maxPods_fail3", "CKV_AZURE_168", "SP023", snapshot.Pool{}, "kubenet", rule.Fail, rule.Pass,
			"Checkov assumes 30 when maxPods is unset; kubenet's default is 110 (AKS IP address planning)"},
		{"properties_with_maxPods_pass1", "CKV_AZURE_168", "SP023", snapshot.Pool{MaxPods: i(51)}, "", rule.Pass, rule.Pass, ""},
		{"properties_with_maxPods_fail2", "CKV_AZURE_168", "SP023", snapshot.Pool{MaxPods: i(33)}, "", rule.Fail, rule.Fail, ""},
		{"properties_without_maxPods_fail", "CKV_AZURE_168", "SP023", snapshot.Pool{}, "", rule.Fail, rule.Error,
			"an agentPools resource without its cluster gives no network plugin, and the default maxPods depends on it"},
		// CKV_AZURE_169 AKSPoolTypeIsScaleSet / SP020
		{"pass", "CKV_AZURE_169", "SP020", snapshot.Pool{Type: "VirtualMachineScaleSets"}, "", rule.Pass, rule.Pass, ""},
		{"pass1", "CKV_AZURE_169", "SP020", snapshot.Pool{}, "", rule.Pass, rule.Pass, ""},
		{"fail", "CKV_AZURE_169", "SP020", snapshot.Pool{Type: "AvailabilitySet"}, "", rule.Fail, rule.Fail, ""},
	}
	reg := registry(t)
	for _, tt := range tests {
		t.Run(tt.checkov+"/"+tt.fixture, func(t *testing.T) {
			if (tt.want != tt.checkovVerdict) != (tt.why != "") {
				t.Fatalf("a row that differs from Checkov must say why, and only such a row")
			}
			p := tt.pool
			p.Name, p.Mode, p.OSType = "agentpool", snapshot.ModeSystem, "Linux"
			s := &snapshot.Snapshot{
				Cluster:  snapshot.Cluster{Name: "c", NetworkPlugin: tt.networkPlugin},
				Pools:    []snapshot.Pool{p},
				Coverage: snapshot.Coverage{snapshot.KindCluster: {Present: true}, snapshot.KindPools: {Present: true}},
			}
			rep := engine.Run(s, engine.Options{Registry: reg, Now: now, Enabled: func(id string) bool { return id == tt.rule }})
			if len(rep.Findings) != 1 {
				t.Fatalf("want one finding, got %d", len(rep.Findings))
			}
			if got := rep.Findings[0].Status; got != tt.want {
				t.Errorf("%s says %s, want %s (Checkov: %s): %s", tt.rule, got, tt.want, tt.checkovVerdict, rep.Findings[0].Message)
			}
		})
	}
}
