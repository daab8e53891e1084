package aksversion

import (
	"fmt"
	"time"
)

// Support is where a version stands in the AKS support policy on a given day.
type Support int

const (
	// Unknown: the version is malformed, newer than anything in the calendar, or not yet
	// released at the instant asked about. A rule must report this as an error, never a pass.
	Unknown Support = iota
	// Supported: in community support (N-2, or before its published end of life).
	Supported
	// NearEOL: supported, but its end of life falls within the caller's window.
	NearEOL
	// PlatformSupport: N-3 and past its end of life; Azure infrastructure support only.
	PlatformSupport
	// Unsupported: older than N-3, or older than anything in the calendar.
	Unsupported
	// Preview: in AKS preview but not yet GA; preview versions carry no support commitment.
	Preview
)

var supportNames = map[Support]string{
	Unknown:         "unknown",
	Supported:       "supported",
	NearEOL:         "near-eol",
	PlatformSupport: "platform-support",
	Unsupported:     "unsupported",
	Preview:         "preview",
}

// String returns a stable lower-case name, suitable for JSON and for the table output.
func (s Support) String() string {
	if name, ok := supportNames[s]; ok {
		return name
	}
	return fmt.Sprintf("support(%d)", int(s))
}

// DefaultNearEOLWindow is the window Status callers pass unless the policy file says otherwise.
const DefaultNearEOLWindow = 60 * 24 * time.Hour

// Status is the answer to "is this version supported at that instant", with the calendar rows
// that decided it so the caller can print them as evidence.
type Status struct {
	Support Support
	Version Version
	// Release is the calendar row of Version's minor; zero when the minor is not in the calendar.
	Release Release
	// Newest is the newest GA minor at the instant asked about (N); zero if none.
	Newest Release
	// Behind is how many minors Version is behind Newest (the x in N-x).
	Behind int
	// UntilEOL is the time left before community support ends; negative once it has ended.
	// Meaningless when Release is zero.
	UntilEOL time.Duration
	// LTSAvailable reports that the minor is offered with LTS and the LTS end has not passed.
	// It matters only for clusters with LTS enabled, which the calendar cannot see.
	LTSAvailable bool
	// Reason says in one sentence why Support was chosen.
	Reason string
}

// StatusOf parses raw and returns its Status; a version that does not parse is Unknown.
func (c Calendar) StatusOf(raw string, now time.Time, nearEOL time.Duration) Status {
	v, err := ParseVersion(raw)
	if err != nil {
		return Status{Support: Unknown, Reason: err.Error()}
	}
	return c.Status(v, now, nearEOL)
}

// Status places v in the support policy at now. nearEOL is how close the end of life must be
// for a supported version to be NearEOL (DefaultNearEOLWindow unless configured; 0 disables).
//
// Community support is taken as "within N-2 of the newest GA minor, or before the published end
// of life". Both are the page's words and they disagree for about a month after each GA: the
// minor that just became N-3 keeps support for 30 days, and the calendar's end-of-life column
// says until when (1.34 is N-3 from 1.37's GA in Oct 2026 but its end of life is Nov 2026).
// Taking either as enough also keeps a stale embedded calendar from declaring a version
// unsupported early when a GA slips.
func (c Calendar) Status(v Version, now time.Time, nearEOL time.Duration) Status {
	st := Status{Version: v}
	if v.IsZero() {
		st.Reason = "no version given"
		return st
	}
	newest, ok := c.Newest(now)
	if !ok {
		st.Reason = fmt.Sprintf("no minor version in the calendar (as of %s) is GA on %s", AsOf, day8601(now))
		return st
	}
	st.Newest = newest

	r, ok := c.Release(v)
	if !ok {
		if len(c.releases) > 0 && v.Major == 1 && v.Minor < c.releases[0].Version.Minor {
			st.Support = Unsupported
			st.Behind = newest.Version.Minor - v.Minor
			st.Reason = fmt.Sprintf("%s is older than every minor in the calendar; newest GA is %s (N-%d)",
				v.MinorOnly(), newest.Version, st.Behind)
			return st
		}
		st.Reason = fmt.Sprintf("%s is not in the AKS release calendar as of %s", v.MinorOnly(), AsOf)
		return st
	}
	st.Release = r
	st.UntilEOL = r.EOL.End().Sub(now)
	st.LTSAvailable = r.LTS && now.Before(r.LTSEnd.End())

	if now.Before(r.GA.Start()) {
		if now.Before(r.Preview.Start()) {
			st.Reason = fmt.Sprintf("%s is not released on AKS on %s (preview %s, GA %s)",
				r.Version, day8601(now), r.Preview, r.GA)
			return st
		}
		st.Support = Preview
		st.Reason = fmt.Sprintf("%s is in AKS preview until its GA in %s", r.Version, r.GA)
		return st
	}

	st.Behind = newest.Version.Minor - r.Version.Minor
	withinN2 := st.Behind <= 2
	beforeEOL := now.Before(r.EOL.End())
	switch {
	case withinN2 || beforeEOL:
		st.Support = Supported
		switch {
		case !withinN2:
			st.Reason = fmt.Sprintf("%s is N-%d (newest GA %s) but its end of life %s has not passed",
				r.Version, st.Behind, newest.Version, r.EOL)
		case !beforeEOL:
			st.Reason = fmt.Sprintf("%s is N-%d (newest GA %s) but its published end of life %s has passed",
				r.Version, st.Behind, newest.Version, r.EOL)
		default:
			st.Reason = fmt.Sprintf("%s is N-%d (newest GA %s); end of life %s", r.Version, st.Behind, newest.Version, r.EOL)
		}
		if nearEOL > 0 && st.UntilEOL <= nearEOL {
			st.Support = NearEOL
		}
	case st.Behind == 3:
		st.Support = PlatformSupport
		st.Reason = fmt.Sprintf("%s is N-3 (newest GA %s) and past its end of life %s: platform support until %s GA",
			r.Version, newest.Version, r.EOL, r.PlatformUntil)
	default:
		st.Support = Unsupported
		st.Reason = fmt.Sprintf("%s is N-%d (newest GA %s); support ended %s", r.Version, st.Behind, newest.Version, r.EOL)
	}
	return st
}

func day8601(t time.Time) string { return t.UTC().Format(time.DateOnly) }
