package files

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestUpgradeChannelAndSupportPlan pins how the cluster's auto-upgrade channel and support plan
// are read: a present profile with "upgradeChannel": null is the documented default "none", while
// a missing profile stays empty so that rules report it as not captured instead of as none.
func TestUpgradeChannelAndSupportPlan(t *testing.T) {
	shared := filepath.Join("..", "..", "..", "examples", "shared-pool", "az-aks-show.json")
	healthy := filepath.Join("..", "..", "..", "examples", "healthy", "az-aks-show.json")
	b, err := os.ReadFile("testdata/az/aks-show.json")
	if err != nil {
		t.Fatal(err)
	}
	noProfile := filepath.Join(t.TempDir(), "aks-show.json")
	b = bytes.Replace(b, []byte(`"autoUpgradeProfile"`), []byte(`"autoUpgradeProfileRemoved"`), 1)
	write(t, noProfile, b)

	for _, tc := range []struct {
		name, path, channel, nodeOS, plan string
	}{
		{"null channel in a present profile", shared, "none", "NodeImage", "KubernetesOfficial"},
		{"channel set", healthy, "patch", "NodeImage", "KubernetesOfficial"},
		{"no profile", noProfile, "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := mustCollect(t, tc.path).Cluster
			if c.UpgradeChannel != tc.channel || c.NodeOSUpgradeChannel != tc.nodeOS || c.SupportPlan != tc.plan {
				t.Errorf("upgradeChannel %q, nodeOSUpgradeChannel %q, supportPlan %q; want %q, %q, %q",
					c.UpgradeChannel, c.NodeOSUpgradeChannel, c.SupportPlan, tc.channel, tc.nodeOS, tc.plan)
			}
		})
	}
}
