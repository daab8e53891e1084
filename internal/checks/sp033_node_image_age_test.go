package checks

import (
	"testing"
	"time"
)

// TestNodeImageDate pins the image version spellings AKS uses; a new spelling must fail to parse
// (and the rule report an error) rather than yield a wrong date.
func TestNodeImageDate(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when it must not parse
	}{
		{"AKSUbuntu-2204gen2containerd-202611.03.0", "2026-11-03"},
		{"AKSAzureLinux-V3gen2-202608.11.0", "2026-08-11"},
		{"AKSCBLMariner-V2gen2-202512.06.0", "2025-12-06"},
		{"AKSUbuntu-1804gen2containerd-2022.11.23", "2022-11-23"},
		{"AKSWindows-2022-containerd-20348.3207.250214", "2025-02-14"},
		{"AKSWindows-2019-containerd-17763.6659.241217", "2024-12-17"},
		{"AKSUbuntu-2204gen2containerd-202613.03.0", ""}, // month 13
		{"custom-golden-image", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := nodeImageDate(tt.in)
			if tt.want == "" {
				if ok {
					t.Errorf("parsed %s, want no date", got.Format(time.DateOnly))
				}
				return
			}
			if !ok || got.Format(time.DateOnly) != tt.want {
				t.Errorf("got %s (ok %v), want %s", got.Format(time.DateOnly), ok, tt.want)
			}
		})
	}
}

func FuzzNodeImageDate(f *testing.F) {
	for _, s := range []string{"AKSUbuntu-2204gen2containerd-202611.03.0", "AKSWindows-2022-containerd-20348.3207.250214"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if d, ok := nodeImageDate(s); ok && (d.Year() < 2000 || d.Year() > 2099) {
			t.Errorf("%q gave implausible date %s", s, d)
		}
	})
}
