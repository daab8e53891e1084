// Package aksversion owns the AKS Kubernetes release calendar, embedded and dated, and the
// support policy that turns a cluster's version and a day into a support status.
//
// The policy, from https://learn.microsoft.com/azure/aks/supported-kubernetes-versions:
//   - AKS supports three GA minor versions, "N-2": the latest GA minor N and the two before it.
//     When a new minor goes GA the oldest leaves support 30 days later, and each row of the
//     calendar gives that end of life; a month-only date means the last day of the month.
//   - Platform support covers one more minor, "N-3": Azure infrastructure only, no Kubernetes
//     fixes, no new clusters. It lasts until the next minor goes GA and the version becomes N-4.
//   - Long Term Support (LTS) is the exception: a version with LTS enabled on the cluster gets a
//     second year of support past its community end of life. The calendar says which minors
//     offer LTS and until when; whether a cluster has it enabled is not the calendar's to know.
//
// Nothing here reads the clock: every question takes the instant it is asked about.
package aksversion

import (
	"fmt"
	"time"
)

// Release is one row of the calendar: a minor version and its dates as the page prints them.
type Release struct {
	Version  Version // minor only
	Upstream Date
	Preview  Date
	GA       Date
	// EOL is the end of community support ("End of life" on the page).
	EOL Date
	// PlatformUntil is the minor whose GA ends platform support ("Until 1.36 GA").
	PlatformUntil Version
	// LTS reports whether the minor is offered with Long Term Support, ending at LTSEnd.
	LTS    bool
	LTSEnd Date
}

// Calendar is an ordered, validated set of releases.
type Calendar struct {
	releases []Release
}

// Default returns the calendar transcribed from SourceURL as of AsOf.
func Default() Calendar {
	c, err := New(defaultReleases)
	if err != nil {
		// The embedded rows are checked by TestDefaultCalendarIsConsistent; reaching this is a
		// bad edit of calendar_data.go, so fall back to an empty calendar, under which every
		// version reports Unknown rather than a wrong status.
		return Calendar{}
	}
	return c
}

// New validates releases and returns a calendar over a copy of them. Tests and users with a
// newer calendar than the embedded one use it; the checks are the ones the page's own tables
// satisfy, so a typo in a date fails here rather than producing a wrong status.
func New(releases []Release) (Calendar, error) {
	rs := make([]Release, len(releases))
	copy(rs, releases)
	for i, r := range rs {
		if err := checkRelease(r); err != nil {
			return Calendar{}, err
		}
		if i == 0 {
			continue
		}
		prev := rs[i-1]
		if r.Version.Major != prev.Version.Major || r.Version.Minor != prev.Version.Minor+1 {
			return Calendar{}, fmt.Errorf("calendar: %s follows %s; rows must be consecutive minors in order", r.Version, prev.Version)
		}
		if !r.GA.Start().After(prev.GA.Start()) {
			return Calendar{}, fmt.Errorf("calendar: %s goes GA (%s) no later than %s (%s)", r.Version, r.GA, prev.Version, prev.GA)
		}
	}
	return Calendar{releases: rs}, nil
}

func checkRelease(r Release) error {
	v := r.Version
	switch {
	case v.Major != 1 || v.HasPatch:
		return fmt.Errorf("calendar: row %s is not a 1.x minor version", v)
	case r.Upstream.IsZero() || r.Preview.IsZero() || r.GA.IsZero() || r.EOL.IsZero():
		return fmt.Errorf("calendar: %s lacks a date", v)
	case r.Preview.Start().Before(r.Upstream.Start()):
		return fmt.Errorf("calendar: %s preview %s precedes its upstream release %s", v, r.Preview, r.Upstream)
	case r.GA.Start().Before(r.Preview.Start()):
		return fmt.Errorf("calendar: %s GA %s precedes its preview %s", v, r.GA, r.Preview)
	case !r.EOL.End().After(r.GA.Start()):
		return fmt.Errorf("calendar: %s end of life %s is not after GA %s", v, r.EOL, r.GA)
	case r.PlatformUntil != minor(v.Minor+4):
		// Platform support is N-3, so it ends when the minor four releases later goes GA.
		return fmt.Errorf("calendar: %s platform support until %s GA, want %s", v, r.PlatformUntil, minor(v.Minor+4))
	case r.LTS && !r.LTSEnd.End().After(r.EOL.End()):
		return fmt.Errorf("calendar: %s LTS end %s is not after end of life %s", v, r.LTSEnd, r.EOL)
	case !r.LTS && !r.LTSEnd.IsZero():
		return fmt.Errorf("calendar: %s has an LTS end but no LTS", v)
	}
	return nil
}

// Releases returns the rows, oldest first.
func (c Calendar) Releases() []Release {
	out := make([]Release, len(c.releases))
	copy(out, c.releases)
	return out
}

// Release returns the row for v's minor version.
func (c Calendar) Release(v Version) (Release, bool) {
	key := v.MinorOnly()
	for _, r := range c.releases {
		if r.Version == key {
			return r, true
		}
	}
	return Release{}, false
}

// Newest returns the newest minor whose AKS GA has begun at now: the N of the N-2 policy.
func (c Calendar) Newest(now time.Time) (Release, bool) {
	for i := len(c.releases) - 1; i >= 0; i-- {
		if !now.Before(c.releases[i].GA.Start()) {
			return c.releases[i], true
		}
	}
	return Release{}, false
}

// PlatformSupportEnd returns when platform support for r ends (the GA of r.PlatformUntil), if
// that minor is in the calendar.
func (c Calendar) PlatformSupportEnd(r Release) (time.Time, bool) {
	next, ok := c.Release(r.PlatformUntil)
	if !ok {
		return time.Time{}, false
	}
	return next.GA.Start(), true
}
