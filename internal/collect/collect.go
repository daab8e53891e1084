// Package collect owns the boundary between the outside world and syspool's snapshot model: a
// Collector gathers what it can about one AKS cluster (agent pools from Azure, nodes, pods,
// workloads and PDBs from Kubernetes) and returns it as a snapshot.Snapshot with coverage and
// provenance filled in. Each source lives in its own subpackage (files for saved captures; live
// ARM, Resource Graph and Kubernetes readers later), so rules and reports never see an SDK type.
package collect

import (
	"context"

	"github.com/syspool/syspool/internal/snapshot"
)

// Collector builds one snapshot of one cluster. Implementations say in Coverage what they could
// not read rather than failing, and fail only when what they read cannot be trusted (bad input,
// two clusters mixed); such errors carry enough context to fix the input.
type Collector interface {
	Collect(ctx context.Context) (*snapshot.Snapshot, error)
}
