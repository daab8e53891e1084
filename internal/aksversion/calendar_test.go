package aksversion

import (
	"strings"
	"testing"
	"time"
)

func at(t *testing.T, s string) time.Time {
	t.Helper()
	ts, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func TestDefaultCalendarIsConsistent(t *testing.T) {
	c, err := New(defaultReleases)
	if err != nil {
		t.Fatalf("embedded calendar: %v", err)
	}
	rs := c.Releases()
	if len(rs) == 0 || rs[0].Version != minor(27) || rs[len(rs)-1].Version != minor(37) {
		t.Fatalf("calendar covers %v..%v, want 1.27..1.37", rs[0].Version, rs[len(rs)-1].Version)
	}
	if got := len(Default().Releases()); got != len(rs) {
		t.Fatalf("Default() has %d rows, New(defaultReleases) %d", got, len(rs))
	}
	for _, r := range rs {
		if !r.GA.Start().Before(r.EOL.End()) {
			t.Errorf("%s: GA %s not before end of life %s", r.Version, r.GA, r.EOL)
		}
		if end, ok := c.PlatformSupportEnd(r); ok && end.Before(r.EOL.End()) {
			t.Errorf("%s: platform support ends %s, before end of life %s", r.Version, end, r.EOL)
		}
		if r.LTS && !r.LTSEnd.End().After(r.EOL.End()) {
			t.Errorf("%s: LTS end %s not after end of life %s", r.Version, r.LTSEnd, r.EOL)
		}
	}
}

func TestNewRejectsInconsistentRows(t *testing.T) {
	good := func(m int) Release {
		return Release{
			Version:  minor(m),
			Upstream: month(2030, time.January), Preview: month(2030, time.February), GA: month(2030, time.March),
			EOL: month(2031, time.March), PlatformUntil: minor(m + 4),
		}
	}
	next := func(m int) Release {
		r := good(m)
		r.Upstream, r.Preview, r.GA, r.EOL = month(2030, time.May), month(2030, time.June), month(2030, time.July), month(2031, time.July)
		return r
	}
	tests := []struct {
		name   string
		rows   func() []Release
		errHas string
	}{
		{"gap", func() []Release { return []Release{good(40), next(42)} }, "consecutive"},
		{"out of order", func() []Release { return []Release{next(41), good(40)} }, "consecutive"},
		{"GA not increasing", func() []Release { return []Release{good(40), good(41)} }, "no later than"},
		{"GA before preview", func() []Release {
			r := good(40)
			r.GA = month(2030, time.January)
			return []Release{r}
		}, "precedes its preview"},
		{"EOL before GA", func() []Release {
			r := good(40)
			r.EOL = month(2029, time.December)
			return []Release{r}
		}, "not after GA"},
		{"platform support not N+4", func() []Release {
			r := good(40)
			r.PlatformUntil = minor(43)
			return []Release{r}
		}, "platform support"},
		{"LTS end before EOL", func() []Release {
			r := good(40)
			r.LTS, r.LTSEnd = true, month(2031, time.February)
			return []Release{r}
		}, "LTS end"},
		{"missing date", func() []Release {
			r := good(40)
			r.Preview = Date{}
			return []Release{r}
		}, "lacks a date"},
		{"patch version row", func() []Release {
			r := good(40)
			r.Version.HasPatch = true
			return []Release{r}
		}, "not a 1.x minor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.rows())
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Fatalf("New: error %v, want one containing %q", err, tt.errHas)
			}
		})
	}
	if _, err := New([]Release{good(40), next(41)}); err != nil {
		t.Fatalf("New on consistent rows: %v", err)
	}
}

func TestNewest(t *testing.T) {
	c := Default()
	tests := []struct {
		now  string
		want Version
		ok   bool
	}{
		{"2026-11-27T12:00:00Z", minor(37), true},
		{"2026-10-01T00:00:00Z", minor(37), true},
		{"2026-09-30T23:59:59Z", minor(36), true},
		{"2025-04-01T00:00:00Z", minor(32), true},
		{"2023-07-01T00:00:00Z", minor(27), true},
		{"2023-06-30T23:59:59Z", Version{}, false},
	}
	for _, tt := range tests {
		got, ok := c.Newest(at(t, tt.now))
		if ok != tt.ok || got.Version != tt.want {
			t.Errorf("Newest(%s) = %v, %v; want %v, %v", tt.now, got.Version, ok, tt.want, tt.ok)
		}
	}
}

func TestDateBounds(t *testing.T) {
	tests := []struct {
		d          Date
		start, end string
		str        string
	}{
		{month(2026, time.March), "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z", "2026-03"},
		{month(2026, time.December), "2026-12-01T00:00:00Z", "2027-01-01T00:00:00Z", "2026-12"},
		{day(2025, time.August, 22), "2025-08-22T00:00:00Z", "2025-08-23T00:00:00Z", "2025-08-22"},
		{day(2025, time.November, 1), "2025-11-01T00:00:00Z", "2025-11-02T00:00:00Z", "2025-11-01"},
	}
	for _, tt := range tests {
		if got := tt.d.Start(); !got.Equal(at(t, tt.start)) {
			t.Errorf("%v.Start() = %v, want %s", tt.d, got, tt.start)
		}
		if got := tt.d.End(); !got.Equal(at(t, tt.end)) {
			t.Errorf("%v.End() = %v, want %s", tt.d, got, tt.end)
		}
		if got := tt.d.String(); got != tt.str {
			t.Errorf("String() = %q, want %q", got, tt.str)
		}
	}
}

func TestPlatformSupportEnd(t *testing.T) {
	c := Default()
	r, _ := c.Release(minor(33))
	end, ok := c.PlatformSupportEnd(r)
	if !ok || !end.Equal(at(t, "2026-10-01T00:00:00Z")) {
		t.Errorf("1.33 platform support ends %v, %v; want 1.37 GA 2026-10-01", end, ok)
	}
	r, _ = c.Release(minor(34))
	if _, ok := c.PlatformSupportEnd(r); ok {
		t.Error("1.34 platform support ends at 1.38 GA, which is not in the calendar")
	}
}
