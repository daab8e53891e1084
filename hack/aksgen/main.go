// Command aksgen writes a deterministic, AKS-shaped cluster capture of any size: the files users
// save with az and kubectl (nodes, pods, PDBs, Deployments and DaemonSets, the managed cluster and
// its agent pools), for benchmarks and tests of syspool's readers and rules. It can also load the
// same cluster into a running API server.
//
//	go run ./hack/aksgen --nodes 5000 --pods 150000 --pools 40 --seed 1 --out DIR
//	go run ./hack/aksgen --small --out DIR
//	go run ./hack/aksgen --small --kubeconfig KUBECONFIG   # load into an API server instead
//
// The same flags always give byte-identical files. What the cluster holds, including the problems
// planted for an audit to find, is in internal/gen's documentation; `--expect` prints the
// expected audit results as JSON.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"time"

	"github.com/syspool/syspool/internal/gen"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	params        gen.Params
	small         bool
	out           string
	kubeconfig    string
	concurrency   int
	workers       int
	managedFields bool
	expect        bool
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o := options{params: gen.Full}
	fs := flag.NewFlagSet("aksgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.IntVar(&o.params.Nodes, "nodes", gen.Full.Nodes, "nodes in the cluster")
	fs.IntVar(&o.params.Pods, "pods", gen.Full.Pods, "pods in the cluster, DaemonSet pods included")
	fs.IntVar(&o.params.Pools, "pools", gen.Full.Pools, "node pools, the system pool included")
	fs.Uint64Var(&o.params.Seed, "seed", gen.Full.Seed, "seed: the same flags give the same bytes")
	fs.BoolVar(&o.small, "small", false, fmt.Sprintf("preset for CI: %d nodes, %d pods, %d pools (explicit flags still win)", gen.Small.Nodes, gen.Small.Pods, gen.Small.Pools))
	fs.StringVar(&o.out, "out", "", "directory to write the capture files into")
	fs.StringVar(&o.kubeconfig, "kubeconfig", "", "load the cluster into the API server of this kubeconfig instead of (or besides) writing files")
	fs.IntVar(&o.concurrency, "concurrency", 32, "API requests in flight when loading")
	fs.IntVar(&o.workers, "workers", 0, "goroutines rendering JSON (0: one per CPU)")
	fs.BoolVar(&o.managedFields, "managed-fields", false, "include metadata.managedFields, as kubectl get -o json --show-managed-fields prints them")
	fs.BoolVar(&o.expect, "expect", false, "print what an audit of the cluster must find, as JSON, and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "aksgen: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if o.small {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		for name, v := range map[string]*int{"nodes": &o.params.Nodes, "pods": &o.params.Pods, "pools": &o.params.Pools} {
			if !set[name] {
				*v = map[string]int{"nodes": gen.Small.Nodes, "pods": gen.Small.Pods, "pools": gen.Small.Pools}[name]
			}
		}
	}
	if o.out == "" && o.kubeconfig == "" && !o.expect {
		fmt.Fprintln(stderr, "aksgen: nothing to do: give --out DIR, --kubeconfig FILE or --expect")
		return 2
	}

	start := time.Now()
	c, err := gen.New(o.params)
	if err != nil {
		fmt.Fprintf(stderr, "aksgen: %v\n", err)
		return 2
	}
	c.ManagedFields = o.managedFields
	if o.expect {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(c.Expect); err != nil {
			fmt.Fprintf(stderr, "aksgen: %v\n", err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(stderr, "aksgen: planned %s in %s\n", o.params, time.Since(start).Round(time.Millisecond))

	if o.out != "" {
		t := time.Now()
		st, err := c.WriteDir(ctx, o.out, o.workers)
		if err != nil {
			fmt.Fprintf(stderr, "aksgen: %v\n", err)
			return 1
		}
		elapsed := time.Since(t)
		var total int64
		names := make([]string, 0, len(st.Bytes))
		for name, n := range st.Bytes {
			names = append(names, name)
			total += n
		}
		sort.Strings(names)
		for _, name := range names {
			fmt.Fprintf(stderr, "  %-16s %14d bytes\n", name, st.Bytes[name])
		}
		fmt.Fprintf(stderr, "aksgen: wrote %d bytes to %s in %s (%.0f MB/s, %d bytes per pod)\n",
			total, filepath.Clean(o.out), elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds()/1e6,
			st.Bytes["pods.json"]/int64(len(c.Pods)))
	}
	if o.kubeconfig != "" {
		cfg, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
		if err != nil {
			fmt.Fprintf(stderr, "aksgen: read kubeconfig: %v\n", err)
			return 2
		}
		// Loading is bounded by --concurrency, not by client-go's default 5 requests a second.
		cfg.QPS, cfg.Burst = -1, 0
		cs, err := kubernetes.NewForConfig(cfg)
		if err != nil {
			fmt.Fprintf(stderr, "aksgen: %v\n", err)
			return 1
		}
		t := time.Now()
		err = c.Load(ctx, cs, gen.LoadOptions{Concurrency: o.concurrency, Progress: func(kind string, done, total int) {
			fmt.Fprintf(stderr, "\raksgen: loading %-12s %7d/%d", kind, done, total)
			if done == total {
				fmt.Fprintln(stderr)
			}
		}})
		if err != nil {
			fmt.Fprintf(stderr, "\naksgen: %v\n", err)
			return 1
		}
		fmt.Fprintf(stderr, "aksgen: loaded into %s in %s\n", cfg.Host, time.Since(t).Round(time.Millisecond))
	}
	return 0
}
