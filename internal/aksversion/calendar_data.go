package aksversion

import "time"

// AsOf is the day the calendar was last compared with SourceURL.
const AsOf = "2026-11-27"

// SourceURL is the page the calendar is transcribed from: its "AKS Kubernetes release calendar"
// and "LTS versions" tables (MicrosoftDocs/azure-aks-docs, articles/aks/supported-kubernetes-versions.md).
const SourceURL = "https://learn.microsoft.com/azure/aks/supported-kubernetes-versions"

func minor(m int) Version { return Version{Major: 1, Minor: m} }

// defaultReleases is transcribed from the page revision dated 08/05/2026 (rows 1.32-1.37 of the
// release table, 1.29-1.37 of the LTS table). That revision no longer lists 1.27 and 1.28; their
// rows come from the revision dated 07/29/2025 (LTS table) and earlier ones (platform support).
// Where revisions disagree the newest wins; the older figure is noted on the row.
var defaultReleases = []Release{
	{
		Version:  minor(27),
		Upstream: month(2023, time.April), Preview: month(2023, time.June), GA: month(2023, time.July),
		EOL:           month(2024, time.July),
		PlatformUntil: minor(31),
		LTS:           true, LTSEnd: month(2025, time.July),
	},
	{
		// An older revision gave end of life as Nov 2024.
		Version:  minor(28),
		Upstream: month(2023, time.August), Preview: month(2023, time.September), GA: month(2023, time.November),
		EOL:           month(2025, time.January),
		PlatformUntil: minor(32),
		LTS:           true, LTSEnd: month(2026, time.February),
	},
	{
		Version:  minor(29),
		Upstream: month(2023, time.December), Preview: month(2024, time.February), GA: month(2024, time.March),
		EOL:           month(2025, time.March),
		PlatformUntil: minor(33),
		LTS:           true, LTSEnd: month(2026, time.April),
	},
	{
		// Older revisions gave end of life as Jul 2025.
		Version:  minor(30),
		Upstream: month(2024, time.April), Preview: month(2024, time.June), GA: month(2024, time.July),
		EOL:           day(2025, time.August, 22),
		PlatformUntil: minor(34),
		LTS:           true, LTSEnd: month(2026, time.July),
	},
	{
		// Older revisions gave end of life as Nov 2025.
		Version:  minor(31),
		Upstream: month(2024, time.August), Preview: month(2024, time.October), GA: month(2024, time.November),
		EOL:           day(2025, time.November, 1),
		PlatformUntil: minor(35),
		LTS:           true, LTSEnd: month(2026, time.November),
	},
	{
		// An older revision gave GA as Mar 2025.
		Version:  minor(32),
		Upstream: month(2024, time.December), Preview: month(2025, time.February), GA: month(2025, time.April),
		EOL:           month(2026, time.March),
		PlatformUntil: minor(36),
		LTS:           true, LTSEnd: month(2027, time.March),
	},
	{
		// The 07/29/2025 revision gave end of life Jun 2026 and LTS end Jun 2027.
		Version:  minor(33),
		Upstream: month(2025, time.April), Preview: month(2025, time.May), GA: month(2025, time.June),
		EOL:           month(2026, time.July),
		PlatformUntil: minor(37),
		LTS:           true, LTSEnd: month(2027, time.July),
	},
	{
		Version:  minor(34),
		Upstream: month(2025, time.August), Preview: month(2025, time.October), GA: month(2025, time.November),
		EOL:           month(2026, time.November),
		PlatformUntil: minor(38),
		LTS:           true, LTSEnd: month(2027, time.November),
	},
	{
		Version:  minor(35),
		Upstream: month(2025, time.December), Preview: month(2026, time.February), GA: month(2026, time.March),
		EOL:           month(2027, time.March),
		PlatformUntil: minor(39),
		LTS:           true, LTSEnd: month(2028, time.March),
	},
	{
		Version:  minor(36),
		Upstream: month(2026, time.April), Preview: month(2026, time.May), GA: month(2026, time.June),
		EOL:           month(2027, time.June),
		PlatformUntil: minor(40),
		LTS:           true, LTSEnd: month(2028, time.June),
	},
	{
		Version:  minor(37),
		Upstream: month(2026, time.August), Preview: month(2026, time.September), GA: month(2026, time.October),
		EOL:           month(2027, time.October),
		PlatformUntil: minor(41),
		LTS:           true, LTSEnd: month(2028, time.October),
	},
}
