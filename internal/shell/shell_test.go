package shell

import "testing"

func TestQuote(t *testing.T) {
	tests := map[string]string{
		"rg-prod":                            "rg-prod",
		"Standard_D4ds_v5":                   "Standard_D4ds_v5",
		"my context":                         "'my context'",
		"rg(legacy)":                         "'rg(legacy)'",
		"it's":                               `'it'\''s'`,
		"":                                   "''",
		"CriticalAddonsOnly=true:NoSchedule": "CriticalAddonsOnly=true:NoSchedule",
	}
	for in, want := range tests {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestJoin(t *testing.T) {
	if got := Join("az aks", "", "show", "-n", "c1", ""); got != "az aks show -n c1" {
		t.Errorf("Join = %q", got)
	}
}
