package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/syspool/syspool/internal/collect/arm"
	"github.com/syspool/syspool/internal/collect/kube"
	"github.com/syspool/syspool/internal/collect/live"
	"github.com/syspool/syspool/internal/collect/live/livetest"
	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/version"
)

// memory takes `syspool snapshot` apart: the same live collection, seal and encoding that the
// command runs, with the peak RSS of each stage (VmHWM, reset between stages) and the live heap
// the finished snapshot holds (after a collection), so syspool's peak can be attributed to the
// collector, the snapshot model and the encoder.
func memory(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("livebench memory", flag.ContinueOnError)
	fs.SetOutput(stderr)
	az := fs.String("az", "", "capture directory holding cluster.json and nodepools.json")
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig of the API server")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := anatomy(ctx, *az, *kubeconfig, stdout); err != nil {
		fmt.Fprintf(stderr, "livebench memory: %v\n", err)
		return 1
	}
	return 0
}

func anatomy(ctx context.Context, az, kubeconfig string, stdout io.Writer) error {
	show, err := os.ReadFile(filepath.Join(az, "cluster.json"))
	if err != nil {
		return err
	}
	pools, err := os.ReadFile(filepath.Join(az, "nodepools.json"))
	if err != nil {
		return err
	}
	a, err := livetest.NewARM(show, pools)
	if err != nil {
		return err
	}
	defer a.Close()
	cfg, info, err := kube.LoadConfig(kubeconfig, "")
	if err != nil {
		return err
	}
	// What the CLI's collectorOptions builds from its flags, with their defaults.
	opts := live.Options{
		Azure: &arm.Options{SubscriptionID: a.SubscriptionID, ResourceGroup: a.ResourceGroup, ClusterName: a.Cluster,
			Credential: a.Credential(), ClientOptions: a.Options()},
		Kube:        &kube.Options{Config: cfg, Context: info.Context},
		ToolVersion: version.String(),
	}
	base := liveHeap()
	stage := func(name string, f func() error) error {
		if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
			return fmt.Errorf("reset the peak RSS: %w", err)
		}
		began := time.Now()
		if err := f(); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		fmt.Fprintf(stdout, "%-8s %8.2f s  peak RSS %5d MiB\n", name, time.Since(began).Seconds(), status("VmHWM")>>20)
		return nil
	}
	// What the API server allocates while it answers the collection, from its /metrics.
	const allocMetric = "go_memstats_alloc_bytes_total"
	before, err := metrics(ctx, cfg, allocMetric)
	if err != nil {
		return err
	}
	var snap *snapshot.Snapshot
	if err := stage("collect", func() (err error) { snap, err = live.New(opts).Collect(ctx); return err }); err != nil {
		return err
	}
	after, err := metrics(ctx, cfg, allocMetric)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "server   kube-apiserver allocated %d MiB while answering the collection\n", (after[allocMetric]-before[allocMetric])>>20)
	model := liveHeap() - base
	fmt.Fprintf(stdout, "model    %d pods, %d nodes: %d MiB of live heap (%d bytes per pod); RSS now %d MiB\n",
		len(snap.Pods), len(snap.Nodes), model>>20, model/uint64(max(len(snap.Pods), 1)), status("VmRSS")>>20)
	if err := stage("seal", func() error { return snapshot.Seal(snap) }); err != nil {
		return err
	}
	var n countingWriter
	if err := stage("encode", func() error { return snapshot.Encode(&n, snap) }); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "encoded  %d bytes\n", n)
	runtime.KeepAlive(snap)
	return nil
}

// liveHeap is the heap still reachable after a full collection.
func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// status reads a /proc/self/status field in bytes.
func status(field string) uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == field+":" {
			kb, err := strconv.ParseUint(f[1], 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

type countingWriter int64

func (c *countingWriter) Write(p []byte) (int, error) {
	*c += countingWriter(len(p))
	return len(p), nil
}
