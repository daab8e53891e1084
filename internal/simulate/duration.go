package simulate

import (
	"fmt"
	"time"
)

// DurationModel holds the times of the operations a maintenance is made of. AKS publishes none
// of them. The minimums are timings observed on a real surge upgrade (about 3 minutes for a surge
// node to join Ready, about 4 more for each node to be drained, reimaged and back: Gordon Byers,
// "Upgrading an AKS cluster – how it works", https://gordon.byers.me/tag/aks/); the maximums are
// our allowance for larger SKUs, busy regions and image pulls. The drain timeout comes from the
// pool's settings (DOC-ROLL), because a blocked drain waits exactly that long.
type DurationModel struct {
	NodeReadyMin, NodeReadyMax time.Duration
	DrainMin                   time.Duration
	ReimageMin, ReimageMax     time.Duration
	DeleteMin, DeleteMax       time.Duration
}

// Durations is the model the estimates use unless told otherwise.
var Durations = DurationModel{
	NodeReadyMin: 3 * time.Minute, NodeReadyMax: 10 * time.Minute,
	DrainMin:   1 * time.Minute,
	ReimageMin: 4 * time.Minute, ReimageMax: 10 * time.Minute,
	DeleteMin: 2 * time.Minute, DeleteMax: 10 * time.Minute,
}

// Estimate is a duration range and the arithmetic behind it.
type Estimate struct {
	Min   time.Duration `json:"min"`
	Max   time.Duration `json:"max"`
	Model string        `json:"model"`
}

// Add sums two estimates.
func (e Estimate) Add(f Estimate) Estimate {
	m := e.Model
	if m != "" && f.Model != "" {
		m += " + "
	}
	return Estimate{Min: e.Min + f.Min, Max: e.Max + f.Max, Model: m + f.Model}
}

// String prints "3–10 min", "18 min–2 h 10 min" or "up to 1 min".
func (e Estimate) String() string { return span(e.Min, e.Max) }

func fmtDur(d time.Duration) string {
	m := int(d.Round(time.Minute).Minutes())
	if m < 60 {
		return fmt.Sprintf("%d min", m)
	}
	if m%60 == 0 {
		return fmt.Sprintf("%d h", m/60)
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}

func span(lo, hi time.Duration) string {
	switch {
	case lo == hi:
		return fmtDur(lo)
	case lo == 0:
		return "up to " + fmtDur(hi)
	case hi < time.Hour:
		return fmt.Sprintf("%d–%s", int(lo.Round(time.Minute).Minutes()), fmtDur(hi))
	}
	return fmtDur(lo) + "–" + fmtDur(hi)
}

// NodesReady is a new pool, or new nodes, coming up: VMSS creates them in parallel.
func (m DurationModel) NodesReady() Estimate {
	return Estimate{Min: m.NodeReadyMin, Max: m.NodeReadyMax, Model: "new nodes Ready " + span(m.NodeReadyMin, m.NodeReadyMax)}
}

// Drain is one drain that finishes at once when nothing blocks and waits the whole timeout when
// something does.
func (m DurationModel) Drain(timeoutMinutes int) Estimate {
	hi := time.Duration(timeoutMinutes) * time.Minute
	return Estimate{Min: m.DrainMin, Max: hi, Model: "drain " + span(m.DrainMin, hi) + " (the upper bound is the drain timeout)"}
}

// Delete is deleting a pool whose nodes are already drained.
func (m DurationModel) Delete() Estimate {
	return Estimate{Min: m.DeleteMin, Max: m.DeleteMax, Model: "delete " + span(m.DeleteMin, m.DeleteMax)}
}

// SurgeUpgrade estimates a rolling upgrade: the surge nodes come up once, then every batch is
// drained (up to the drain timeout), soaked and reimaged.
func (m DurationModel) SurgeUpgrade(up UpgradePlan) Estimate {
	e := Estimate{}
	if up.Surge > 0 {
		e = m.NodesReady()
	}
	drainHi := time.Duration(up.DrainTimeoutMinutes) * time.Minute
	soak := time.Duration(up.SoakMinutes) * time.Minute
	per := Estimate{Min: m.DrainMin + soak + m.ReimageMin, Max: drainHi + soak + m.ReimageMax}
	per.Model = fmt.Sprintf("%d batch(es) × (drain %s + soak %s + reimage %s)", up.Batches, span(m.DrainMin, drainHi),
		fmtDur(soak), span(m.ReimageMin, m.ReimageMax))
	b := time.Duration(up.Batches)
	return e.Add(Estimate{Min: b * per.Min, Max: b * per.Max, Model: per.Model})
}
