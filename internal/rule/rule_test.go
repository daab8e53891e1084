package rule

import (
	"strings"
	"testing"
	"time"
)

func TestParseSeverity(t *testing.T) {
	tests := []struct {
		in      string
		want    Severity
		wantErr string
	}{
		{"info", Info, ""}, {"LOW", Low, ""}, {"Medium", Medium, ""}, {"high", High, ""},
		{"critical", Critical, ""}, {"none", Never, ""},
		{"urgent", SeverityUnset, `unknown severity "urgent" (valid: info, low, medium, high, critical, none)`},
		{"", SeverityUnset, "unknown severity"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSeverity(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseSeverity(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			// Names round-trip through text, as JSON and YAML reports use them.
			b, _ := got.MarshalText()
			var back Severity
			if err := back.UnmarshalText(b); err != nil || back != got {
				t.Errorf("round trip of %v gave %v, %v", got, back, err)
			}
		})
	}
	if !(Info < Low && Low < Medium && Medium < High && High < Critical && Critical < Never) {
		t.Error("severities must be ordered")
	}
}

func TestRegistry(t *testing.T) {
	check := func(*Context) []Result { return nil }
	if _, err := NewRegistry([]Rule{{ID: "SP002", Title: "b", Check: check}, {ID: "SP002", Title: "c", Check: check}}); err == nil ||
		!strings.Contains(err.Error(), "registered twice") {
		t.Errorf("duplicate IDs: err = %v", err)
	}
	if _, err := NewRegistry([]Rule{{ID: "SP003", Check: check}}); err == nil {
		t.Error("a rule without a title must be refused")
	}
	reg, err := NewRegistry([]Rule{{ID: "SP002", Title: "b", Check: check}, {ID: "SP001", Title: "a", Check: check}})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(reg.IDs(), ","); got != "SP001,SP002" {
		t.Errorf("IDs = %s, want sorted", got)
	}
	if r, ok := reg.Get("sp002"); !ok || r.Title != "b" {
		t.Errorf("Get is case-insensitive: %v %v", r.ID, ok)
	}
}

func TestContextParamsPanicOnMisuse(t *testing.T) {
	c := NewContext(nil, nil, time.Time{}, map[string]any{"n": 3})
	if c.Int("n") != 3 {
		t.Fatal("declared param not returned")
	}
	for name, f := range map[string]func(){
		"undeclared": func() { c.Int("missing") },
		"wrong type": func() { c.String("n") },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("expected a panic the engine turns into an error result")
				}
			}()
			f()
		})
	}
}
