package aksversion

import (
	"fmt"
	"time"
)

// Date is a calendar entry as the AKS page prints it: usually a month ("Mar 2026"), sometimes a
// day ("Aug 22, 2025"). Keeping the precision lets evidence say what the page said, and lets
// the start and the end of the period be chosen per column.
type Date struct {
	Year  int
	Month time.Month
	// Day is 0 when the page gives only the month.
	Day int
}

func month(y int, m time.Month) Date      { return Date{Year: y, Month: m} }
func day(y int, m time.Month, d int) Date { return Date{Year: y, Month: m, Day: d} }

// IsZero reports whether the page gives no date.
func (d Date) IsZero() bool { return d.Year == 0 }

// Start is the first instant of the period, in UTC. A month-only GA date counts from the first
// of the month: the page does not say which day, and AKS rolls a release out over up to ten
// business days anyway, so the first of the month is the earliest a cluster can be on it.
func (d Date) Start() time.Time {
	if d.Day == 0 {
		return time.Date(d.Year, d.Month, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
}

// End is the first instant after the period, in UTC. The page defines a month-only end of life
// as the last day of that month ("Mar 2026" indicates March 31, 2026), so it ends when the next
// month starts; a dated one ends when the next day starts.
func (d Date) End() time.Time {
	if d.Day == 0 {
		return time.Date(d.Year, d.Month+1, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, time.UTC)
}

// String prints "2026-03" for a month and "2025-08-22" for a day.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	if d.Day == 0 {
		return fmt.Sprintf("%04d-%02d", d.Year, int(d.Month))
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}
