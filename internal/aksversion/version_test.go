package aksversion

import "testing"

func TestParseVersion(t *testing.T) {
	tests := []struct {
		in      string
		want    Version
		wantErr bool
	}{
		{in: "1.33.2", want: Version{Major: 1, Minor: 33, Patch: 2, HasPatch: true}},
		{in: "v1.33.2", want: Version{Major: 1, Minor: 33, Patch: 2, HasPatch: true}},
		{in: "1.33", want: Version{Major: 1, Minor: 33}},
		{in: "v1.33", want: Version{Major: 1, Minor: 33}},
		{in: "1.33.0", want: Version{Major: 1, Minor: 33, HasPatch: true}},
		{in: "1.28.100", want: Version{Major: 1, Minor: 28, Patch: 100, HasPatch: true}},
		{in: "", wantErr: true},
		{in: "1", wantErr: true},
		{in: "1.", wantErr: true},
		{in: "1.33.", wantErr: true},
		{in: "1.33.2.1", wantErr: true},
		{in: "1.033", wantErr: true},
		{in: "1.33.-1", wantErr: true},
		{in: "1.33.2-hotfix", wantErr: true},
		{in: " 1.33", wantErr: true},
		{in: "vv1.33", wantErr: true},
		{in: "2.0", wantErr: true},
		{in: "latest", wantErr: true},
		{in: "1.99999999999999999999", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseVersion(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseVersion(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseVersion(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseVersion(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestVersionString(t *testing.T) {
	for in, want := range map[string]string{"v1.33.2": "1.33.2", "1.33": "1.33", "1.33.0": "1.33.0"} {
		v, err := ParseVersion(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := v.String(); got != want {
			t.Errorf("ParseVersion(%q).String() = %q, want %q", in, got, want)
		}
	}
}

func TestMinorSkew(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"1.33.2", "1.30.14", 3},
		{"1.30", "1.33", -3},
		{"1.33.0", "1.33.9", 0},
	}
	for _, tt := range tests {
		a, errA := ParseVersion(tt.a)
		b, errB := ParseVersion(tt.b)
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		if got := MinorSkew(a, b); got != tt.want {
			t.Errorf("MinorSkew(%s, %s) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func FuzzParseVersion(f *testing.F) {
	for _, seed := range []string{"1.33.2", "v1.33", "1.033", "", "1.2.3.4", "v", "1..2"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			return
		}
		again, err := ParseVersion(v.String())
		if err != nil || again != v {
			t.Fatalf("ParseVersion(%q) = %+v, but its String %q parses to %+v, %v", s, v, v.String(), again, err)
		}
		if v.Major != 1 || v.Minor < 0 || v.Patch < 0 {
			t.Fatalf("ParseVersion(%q) = %+v, outside 1.x", s, v)
		}
	})
}
