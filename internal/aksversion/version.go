package aksversion

import (
	"fmt"
	"strconv"
	"strings"
)

// Version is a Kubernetes version as AKS reports it: "1.33" (an alias minor version, which AKS
// accepts on create and upgrade) or "1.33.2".
type Version struct {
	Major, Minor, Patch int
	// HasPatch distinguishes "1.33" from "1.33.0".
	HasPatch bool
}

// ParseVersion accepts "1.33", "1.33.2" and the same with a leading "v" (kubelet and node
// labels write "v1.33.2"). Anything else is an error: a version we cannot read must surface as
// unknown, not be rounded to something we can.
func ParseVersion(s string) (Version, error) {
	raw := s
	s = strings.TrimPrefix(strings.TrimPrefix(s, "v"), "V")
	parts := strings.Split(s, ".")
	if len(parts) != 2 && len(parts) != 3 {
		return Version{}, fmt.Errorf("parse Kubernetes version %q: want MAJOR.MINOR or MAJOR.MINOR.PATCH", raw)
	}
	nums := make([]int, len(parts))
	for i, p := range parts {
		n, err := parseNumber(p)
		if err != nil {
			return Version{}, fmt.Errorf("parse Kubernetes version %q: %w", raw, err)
		}
		nums[i] = n
	}
	if nums[0] != 1 {
		// Every Kubernetes release, and every AKS one, is 1.x; a different major is a typo or
		// another product's version, and comparing minors across majors would be meaningless.
		return Version{}, fmt.Errorf("parse Kubernetes version %q: major version %d, want 1", raw, nums[0])
	}
	v := Version{Major: nums[0], Minor: nums[1]}
	if len(nums) == 3 {
		v.Patch, v.HasPatch = nums[2], true
	}
	return v, nil
}

// parseNumber reads a semver numeric identifier: digits only, no sign, no leading zero.
func parseNumber(p string) (int, error) {
	if p == "" {
		return 0, fmt.Errorf("empty number")
	}
	for _, r := range p {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("%q is not a number", p)
		}
	}
	if len(p) > 1 && p[0] == '0' {
		return 0, fmt.Errorf("%q has a leading zero", p)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		return 0, fmt.Errorf("%q: %w", p, err)
	}
	return n, nil
}

// String prints the version the way AKS does, without a "v".
func (v Version) String() string {
	if v.HasPatch {
		return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
	}
	return fmt.Sprintf("%d.%d", v.Major, v.Minor)
}

// MinorOnly drops the patch, giving the key the release calendar is indexed by.
func (v Version) MinorOnly() Version {
	return Version{Major: v.Major, Minor: v.Minor}
}

// IsZero reports whether v is the zero Version, which ParseVersion never returns.
func (v Version) IsZero() bool {
	return v == Version{}
}

// MinorSkew returns how many minor versions a is ahead of b (negative when behind), e.g. the
// control plane against a node pool. ParseVersion only yields major 1, so minors compare
// directly; the AKS skew limits themselves are the caller's rule, with their own sources.
func MinorSkew(a, b Version) int {
	return a.Minor - b.Minor
}
