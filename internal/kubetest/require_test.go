package kubetest

import "testing"

// A CI run must fail, not skip, when the control plane is missing; this runs
// without the binaries, so it guards the rule even where Start would skip.
func TestIntegrationRequired(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want bool
	}{
		{name: "developer machine", env: map[string]string{}, want: false},
		{name: "CI", env: map[string]string{"CI": "true"}, want: true},
		{name: "CI set to something else", env: map[string]string{"CI": "1"}, want: false},
		{name: "explicit requirement", env: map[string]string{EnvRequire: "1"}, want: true},
		{name: "requirement off", env: map[string]string{EnvRequire: "0"}, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			if got := integrationRequired(getenv); got != tt.want {
				t.Errorf("integrationRequired(%v) = %v, want %v", tt.env, got, tt.want)
			}
		})
	}
}
