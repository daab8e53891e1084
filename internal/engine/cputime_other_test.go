//go:build !unix

package engine_test

import "time"

// cpuTime is not measured here: BenchmarkRunAll reports wall time only.
func cpuTime() (time.Duration, bool) { return 0, false }
