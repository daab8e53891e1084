package aksversion

import (
	"strings"
	"testing"
	"time"
)

func TestStatus(t *testing.T) {
	c := Default()
	const window = DefaultNearEOLWindow
	tests := []struct {
		name       string
		version    string
		now        string
		window     time.Duration
		want       Support
		wantBehind int
		wantNewest Version
	}{
		// "Today" in the brief: 1.37 went GA in Oct 2026.
		{"N", "1.37.1", "2026-11-27T12:00:00Z", window, Supported, 0, minor(37)},
		{"N-1", "1.36", "2026-11-27T12:00:00Z", window, Supported, 1, minor(37)},
		{"N-2 far from EOL", "v1.35.4", "2026-11-27T12:00:00Z", window, Supported, 2, minor(37)},
		{"N-3 inside its 30-day grace", "1.34.9", "2026-11-27T12:00:00Z", window, NearEOL, 3, minor(37)},
		{"N-3 grace, window disabled", "1.34.9", "2026-11-27T12:00:00Z", 0, Supported, 3, minor(37)},
		{"N-3 last second before EOL", "1.34", "2026-11-30T23:59:59Z", window, NearEOL, 3, minor(37)},
		{"N-3 first second after EOL", "1.34", "2026-12-01T00:00:00Z", window, PlatformSupport, 3, minor(37)},
		{"N-4", "1.33.5", "2026-11-27T12:00:00Z", window, Unsupported, 4, minor(37)},
		{"older than the calendar", "1.26.3", "2026-11-27T12:00:00Z", window, Unsupported, 11, minor(37)},
		{"newer than the calendar", "1.38.0", "2026-11-27T12:00:00Z", window, Unknown, 0, minor(37)},

		// 1.33 through its life: N-3 from 1.36's GA (Jun 2026), EOL end of Jul 2026, N-4 at 1.37's GA.
		{"1.33 last hour of EOL month", "1.33", "2026-07-31T23:00:00Z", window, NearEOL, 3, minor(36)},
		{"1.33 day after EOL", "1.33", "2026-08-01T00:00:00Z", window, PlatformSupport, 3, minor(36)},
		{"1.33 last second as N-3", "1.33", "2026-09-30T23:59:59Z", window, PlatformSupport, 3, minor(36)},
		{"1.33 becomes N-4 at 1.37 GA", "1.33", "2026-10-01T00:00:00Z", window, Unsupported, 4, minor(37)},

		// Exact-day end of life: 1.30 on Aug 22, 2025; 1.31 on Nov 1, 2025.
		{"1.30 on its EOL day", "1.30.14", "2025-08-22T23:59:59Z", window, NearEOL, 3, minor(33)},
		{"1.30 day after EOL", "1.30.14", "2025-08-23T00:00:00Z", window, PlatformSupport, 3, minor(33)},
		{"1.31 on its EOL day", "1.31", "2025-11-01T12:00:00Z", window, NearEOL, 3, minor(34)},
		{"1.31 day after EOL", "1.31", "2025-11-02T00:00:00Z", window, PlatformSupport, 3, minor(34)},
		{"1.32 last day of EOL month", "1.32", "2026-03-31T12:00:00Z", window, NearEOL, 3, minor(35)},

		// Near-EOL window edges: 1.35 ends 2027-03-31, i.e. at 2027-04-01T00:00Z.
		{"exactly 60 days left", "1.35", "2027-01-31T00:00:00Z", window, NearEOL, 2, minor(37)},
		{"60 days and an hour left", "1.35", "2027-01-30T23:00:00Z", window, Supported, 2, minor(37)},
		{"custom 7-day window", "1.35", "2027-03-20T00:00:00Z", 7 * 24 * time.Hour, Supported, 2, minor(37)},

		// Preview and not yet released: 1.37 preview Sep 2026, GA Oct 2026.
		{"in preview", "1.37", "2026-09-30T23:59:59Z", window, Preview, 0, minor(36)},
		{"before preview", "1.37", "2026-08-31T23:59:59Z", window, Unknown, 0, minor(36)},
		{"before any GA", "1.27", "2023-06-30T00:00:00Z", window, Unknown, 0, Version{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := ParseVersion(tt.version)
			if err != nil {
				t.Fatal(err)
			}
			got := c.Status(v, at(t, tt.now), tt.window)
			if got.Support != tt.want || got.Behind != tt.wantBehind || got.Newest.Version != tt.wantNewest {
				t.Errorf("Status(%s, %s) = %s N-%d newest %v (%s); want %s N-%d newest %v",
					tt.version, tt.now, got.Support, got.Behind, got.Newest.Version, got.Reason,
					tt.want, tt.wantBehind, tt.wantNewest)
			}
			if got.Reason == "" {
				t.Error("Status gave no reason")
			}
			if got.Version != v {
				t.Errorf("Status.Version = %v, want %v", got.Version, v)
			}
		})
	}
}

func TestStatusEvidence(t *testing.T) {
	c := Default()
	now := at(t, "2026-11-27T12:00:00Z")
	st := c.StatusOf("1.34.9", now, DefaultNearEOLWindow)
	if st.Release.Version != minor(34) || st.Release.GA != month(2025, time.November) || st.Release.EOL != month(2026, time.November) {
		t.Errorf("Release = %+v, want the 1.34 row", st.Release)
	}
	if want := 3*24*time.Hour + 12*time.Hour; st.UntilEOL != want {
		t.Errorf("UntilEOL = %v, want %v", st.UntilEOL, want)
	}
	if !strings.Contains(st.Reason, "has not passed") {
		t.Errorf("Reason %q should say the end of life has not passed", st.Reason)
	}

	// 1.33 is out of community and platform support, but LTS still covers it until Jul 2027.
	st = c.StatusOf("1.33.5", now, DefaultNearEOLWindow)
	if st.Support != Unsupported || !st.LTSAvailable {
		t.Errorf("1.33: %s, LTSAvailable %v; want unsupported with LTS available", st.Support, st.LTSAvailable)
	}
	// 1.28's LTS ended Feb 2026.
	if st := c.StatusOf("1.28", now, DefaultNearEOLWindow); st.LTSAvailable {
		t.Error("1.28: LTS ended 2026-02 but is reported available")
	}
}

func TestStatusOfMalformed(t *testing.T) {
	now := at(t, "2026-11-27T12:00:00Z")
	for _, raw := range []string{"", "banana", "1.33.x", "2.0"} {
		st := Default().StatusOf(raw, now, DefaultNearEOLWindow)
		if st.Support != Unknown || st.Reason == "" {
			t.Errorf("StatusOf(%q) = %s (%q); want unknown with a reason", raw, st.Support, st.Reason)
		}
	}
	if st := Default().Status(Version{}, now, DefaultNearEOLWindow); st.Support != Unknown {
		t.Errorf("Status(zero Version) = %s, want unknown", st.Support)
	}
	if st := (Calendar{}).StatusOf("1.33", now, DefaultNearEOLWindow); st.Support != Unknown {
		t.Errorf("empty calendar: %s, want unknown", st.Support)
	}
}

// When the next GA slips, a minor can still be N-2 after its published end of life. The N-2
// rule keeps it supported, and the negative UntilEOL makes it NearEOL so the slip is visible.
func TestStatusN2AfterPublishedEOL(t *testing.T) {
	rows := []Release{
		{Version: minor(40), Upstream: month(2030, time.January), Preview: month(2030, time.February),
			GA: month(2030, time.March), EOL: month(2031, time.March), PlatformUntil: minor(44)},
		{Version: minor(41), Upstream: month(2030, time.May), Preview: month(2030, time.June),
			GA: month(2030, time.July), EOL: month(2031, time.July), PlatformUntil: minor(45)},
		{Version: minor(42), Upstream: month(2030, time.September), Preview: month(2030, time.October),
			GA: month(2030, time.November), EOL: month(2031, time.November), PlatformUntil: minor(46)},
	}
	c, err := New(rows)
	if err != nil {
		t.Fatal(err)
	}
	now := at(t, "2031-05-01T00:00:00Z") // 1.40's EOL (Mar 2031) has passed; 1.43 is not GA
	st := c.Status(minor(40), now, DefaultNearEOLWindow)
	if st.Support != NearEOL || st.Behind != 2 || st.UntilEOL >= 0 || !strings.Contains(st.Reason, "has passed") {
		t.Errorf("got %s N-%d UntilEOL %v (%s); want near-eol N-2 with a passed EOL", st.Support, st.Behind, st.UntilEOL, st.Reason)
	}
	if st := c.Status(minor(40), now, 0); st.Support != Supported {
		t.Errorf("window 0: got %s, want supported", st.Support)
	}
}

func TestSupportString(t *testing.T) {
	want := map[Support]string{
		Unknown: "unknown", Supported: "supported", NearEOL: "near-eol",
		PlatformSupport: "platform-support", Unsupported: "unsupported", Preview: "preview",
		Support(42): "support(42)",
	}
	for s, name := range want {
		if got := s.String(); got != name {
			t.Errorf("Support(%d).String() = %q, want %q", int(s), got, name)
		}
	}
}
