// Package checks holds syspool's built-in rules, one file per rule with its documentation beside
// the check. All returns them as a literal list: there is no init() registration, so what runs is
// exactly what this file names.
package checks

import "github.com/syspool/syspool/internal/rule"

// All returns the built-in rules. IDs are stable and never reused: retire a rule by deleting it
// here and leaving its ID unused.
func All() []rule.Rule {
	return []rule.Rule{
		sp001,
		sp002,
		sp003,
		sp004,
		sp005,
		sp006,
		sp007,
		sp008,
		sp009,
		sp010,
		sp011,
		sp012,
		sp013,
		sp014,
		sp015,
		sp016,
		sp017,
		sp018,
		sp019,
		sp020,
		sp021,
		sp022,
		sp023,
		sp024,
		sp025,
		sp026,
		sp027,
		sp028,
		sp029,
		sp030,
		sp031,
		sp032,
		sp033,
		sp034,
		sp035,
		sp036,
		sp037,
		sp038,
		sp039,
		sp040,
		sp041,
		sp042,
		sp043,
		sp044,
		sp045,
		sp046,
		sp047,
		sp048,
		sp049,
		sp050,
		sp051,
		sp052,
	}
}
