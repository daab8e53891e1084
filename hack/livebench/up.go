package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/syspool/syspool/internal/collect/kube"
	"github.com/syspool/syspool/internal/gen"
	"github.com/syspool/syspool/internal/kubetest"
)

// etcdQuota lifts etcd's default 2 GiB database limit: 150,000 pods, each written twice (the
// create, then the status), come close to it before the API server's first compaction.
const etcdQuota = "--quota-backend-bytes=17179869184"

// up runs the control plane with the cluster loaded until ctx ends.
func up(ctx context.Context, args []string, stderr io.Writer) int {
	p := gen.Full
	fs := flag.NewFlagSet("livebench up", flag.ContinueOnError)
	fs.SetOutput(stderr)
	testbin := fs.String("testbin", os.Getenv(kubetest.EnvTestbin), "directory of etcd and kube-apiserver (what hack/testbin.sh prints)")
	state := fs.String("state", "", "directory for the control plane's data and the files clients read")
	fs.IntVar(&p.Nodes, "nodes", p.Nodes, "nodes in the cluster")
	fs.IntVar(&p.Pods, "pods", p.Pods, "pods in the cluster, DaemonSet pods included")
	fs.IntVar(&p.Pools, "pools", p.Pools, "node pools, the system pool included")
	fs.Uint64Var(&p.Seed, "seed", p.Seed, "seed of the generator")
	concurrency := fs.Int("concurrency", 32, "API requests in flight while loading")
	memLimit := fs.String("apiserver-gomemlimit", "", "GOMEMLIMIT of kube-apiserver (e.g. 9GiB): a soft limit that makes its garbage collector work harder instead of letting its heap double")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *testbin == "" || *state == "" {
		fmt.Fprintln(stderr, "livebench up: --testbin and --state are required")
		return 2
	}
	opts := kubetest.Options{EtcdArgs: []string{etcdQuota}, StartTimeout: 3 * time.Minute}
	if *memLimit != "" {
		opts.APIServerEnv = []string{"GOMEMLIMIT=" + *memLimit}
	}
	if err := serve(ctx, *testbin, *state, opts, p, *concurrency, stderr); err != nil {
		fmt.Fprintf(stderr, "livebench up: %v\n", err)
		return 1
	}
	return 0
}

func serve(ctx context.Context, testbin, state string, opts kubetest.Options, p gen.Params, concurrency int, stderr io.Writer) (err error) {
	cpDir := filepath.Join(state, "controlplane")
	if err := os.MkdirAll(cpDir, 0o700); err != nil {
		return err
	}
	cp, err := kubetest.Launch(ctx, testbin, cpDir, opts)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, cp.Stop()) }()
	fmt.Fprintf(stderr, "livebench: etcd ready in %s, kube-apiserver in %s at %s (pid %d)\n",
		cp.EtcdReady.Round(time.Millisecond), cp.APIServerReady.Round(time.Millisecond), cp.Host(), cp.APIServerPID())

	if err := writeClientFiles(cp, state); err != nil {
		return err
	}
	loaded, err := load(ctx, cp, p, concurrency, stderr)
	if err != nil {
		return fmt.Errorf("%w\n%s", err, cp.Logs(20))
	}
	// The generated cluster is garbage now; give its memory back before clients are measured.
	runtime.GC()
	debug.FreeOSMemory()
	fmt.Fprintf(stderr, "livebench: loaded %s in %s; kube-apiserver %s, Go heap %s; etcd %s\n", p, loaded.Round(time.Millisecond),
		rss(cp.APIServerPID()), heap(ctx, cp), rss(cp.EtcdPID()))
	ready := fmt.Sprintf("load_seconds=%.2f\n", loaded.Seconds())
	if err := os.WriteFile(filepath.Join(state, "ready"), []byte(ready), 0o644); err != nil {
		return err
	}
	<-ctx.Done()
	return nil
}

// writeClientFiles writes what the measured clients and the bench need to reach and watch the
// control plane.
func writeClientFiles(cp *kubetest.ControlPlane, state string) error {
	if err := cp.WriteKubeconfig(filepath.Join(state, "kubeconfig"), kubetest.AdminUser); err != nil {
		return err
	}
	token, err := cp.Token(kubetest.AdminUser)
	if err != nil {
		return err
	}
	for name, data := range map[string]string{
		"server":        cp.Host() + "\n",
		"token":         token + "\n",
		"ca.crt":        string(cp.CAPEM()),
		"apiserver.pid": strconv.Itoa(cp.APIServerPID()) + "\n",
		"etcd.pid":      strconv.Itoa(cp.EtcdPID()) + "\n",
	} {
		if err := os.WriteFile(filepath.Join(state, name), []byte(data), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// load puts the generated cluster into the API server, as `aksgen --kubeconfig` does, and
// returns how long it took. The generator's plan is dropped afterwards, so this process holds
// little while the clients are measured.
func load(ctx context.Context, cp *kubetest.ControlPlane, p gen.Params, concurrency int, stderr io.Writer) (time.Duration, error) {
	c, err := gen.New(p)
	if err != nil {
		return 0, err
	}
	cfg, err := cp.UserConfig(kubetest.AdminUser)
	if err != nil {
		return 0, err
	}
	// Load bounds its requests itself; a slow request is the server being busy, not hung.
	cfg.QPS, cfg.Burst, cfg.Timeout = -1, 0, 5*time.Minute
	// Protobuf costs the API server less to decode than JSON, and it shares two CPUs with us.
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cfg.AcceptContentTypes = cfg.ContentType
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return 0, err
	}
	began := time.Now()
	last := map[string]int{}
	err = c.Load(ctx, cs, gen.LoadOptions{Concurrency: concurrency, Progress: func(kind string, done, total int) {
		// A line per tenth of each kind: enough to see a full-size load move in a log.
		if tenth := done * 10 / max(total, 1); tenth > last[kind] || done == total {
			last[kind] = tenth
			fmt.Fprintf(stderr, "livebench: %s %d/%d after %s\n", kind, done, total, time.Since(began).Round(time.Second))
		}
	}})
	if err != nil {
		return 0, err
	}
	return time.Since(began), nil
}

// rss reads a process's resident and peak resident memory from /proc.
func rss(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "(memory unknown)"
	}
	kb := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[2] == "kB" {
			kb[f[0]] = f[1]
		}
	}
	return fmt.Sprintf("RSS %s kB (peak %s kB)", kb["VmRSS:"], kb["VmHWM:"])
}

// heap reads the API server's own account of its Go heap from /metrics: how much of its RSS is
// live objects (the watch cache above all) and how much is garbage not yet collected.
func heap(ctx context.Context, cp *kubetest.ControlPlane) string {
	cfg, err := cp.UserConfig(kubetest.AdminUser)
	if err != nil {
		return err.Error()
	}
	names := []string{"go_memstats_heap_alloc_bytes", "go_memstats_heap_inuse_bytes", "go_memstats_next_gc_bytes"}
	m, err := metrics(ctx, cfg, names...)
	if err != nil {
		return err.Error()
	}
	var out []string
	for _, n := range names {
		out = append(out, fmt.Sprintf("%s %d MiB", strings.TrimSuffix(strings.TrimPrefix(n, "go_memstats_"), "_bytes"), m[n]>>20))
	}
	return strings.Join(out, ", ")
}

// metrics reads unlabelled metrics from the API server's /metrics.
func metrics(ctx context.Context, cfg *rest.Config, names ...string) (map[string]uint64, error) {
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, err
	}
	body, err := cs.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("read /metrics: %w", err)
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	out := map[string]uint64{}
	for _, line := range strings.Split(string(body), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 || !want[f[0]] {
			continue
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f[0], err)
		}
		out[f[0]] = uint64(v)
	}
	for _, n := range names {
		if _, ok := out[n]; !ok {
			return nil, fmt.Errorf("/metrics has no %s", n)
		}
	}
	return out, nil
}

// allocated prints how many bytes the API server of kubeconfig has allocated since it started
// (go_memstats_alloc_bytes_total): the difference over a measurement is what the client made it
// allocate, whatever its garbage collector did meanwhile.
func allocated(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("livebench allocated", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kubeconfig := fs.String("kubeconfig", "", "kubeconfig of the API server")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, _, err := kube.LoadConfig(*kubeconfig, "")
	if err != nil {
		fmt.Fprintf(stderr, "livebench allocated: %v\n", err)
		return 2
	}
	const name = "go_memstats_alloc_bytes_total"
	m, err := metrics(ctx, cfg, name)
	if err != nil {
		fmt.Fprintf(stderr, "livebench allocated: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, m[name])
	return 0
}
