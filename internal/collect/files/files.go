// Package files is the offline Collector: it reads saved captures of one AKS cluster and joins
// them into one snapshot.
//
// Accepted, in JSON or YAML, recognised by content and never by file name:
//   - az aks show, az aks list (one cluster), az aks nodepool list and az aks nodepool show;
//   - the ARM bodies of managedClusters and agentPools, single or as a {"value": [...]} list;
//   - kubectl get nodes, pods, poddisruptionbudgets, deployments, daemonsets and statefulsets,
//     as a List, a typed list from the API server, single objects, mixed lists, multi-document
//     YAML, and JSON values appended one after another; other kinds are counted and ignored;
//   - a syspool snapshot, which is returned as it is and must come alone.
//
// Outputs are not inputs: a syspool report (-o json|yaml), a SARIF log or an XML file (JUnit) met
// while walking a directory is skipped with a note, so reports written beside the captures do not
// break the next run; named explicitly, it is an input error.
//
// Each file is read once and hashed as it is read; kubectl JSON lists are streamed item by item,
// so a capture of a large cluster needs memory for a few items at a time (a YAML document is held
// whole). Large kubectl lists take the fast path of fastlist.go, which gives the same result. Anything wrong with the input is an *InputError naming the file and, where there is
// one, the line and column; files about two different clusters are refused.
package files

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/syspool/syspool/internal/collect"
	"github.com/syspool/syspool/internal/snapshot"
)

// Options configure a Collector.
type Options struct {
	// Paths are files and directories; directories are walked in name order, leaving out hidden
	// files, README* and *.md.
	Paths []string
	// FS is where Paths are looked up; nil means the operating system, with paths as typed.
	FS fs.FS
	// Now stamps Provenance.CollectedAt; nil means time.Now.
	Now func() time.Time
	// ToolVersion is recorded in the provenance.
	ToolVersion string
}

// Collector reads files into a snapshot.
type Collector struct {
	opts Options
	// fastMin is the smallest file the fast path tries (fastMinSize; tests change it).
	fastMin int64
}

var _ collect.Collector = (*Collector)(nil)

// New returns a Collector over opts.
func New(opts Options) *Collector {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Collector{opts: opts, fastMin: fastMinSize}
}

// Collect reads every file and returns the joined snapshot. Errors about the input are
// *InputError; a cancelled ctx is returned as it is.
func (c *Collector) Collect(ctx context.Context) (*snapshot.Snapshot, error) {
	in := newInputFS(c.opts.FS)
	paths, walked, err := in.resolve(c.opts.Paths)
	if err != nil {
		return nil, err
	}
	b := newBuilder()
	b.fastMin = c.fastMin
	var skipped []string
	for _, p := range paths {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		err := b.readFile(ctx, in, p)
		var out *outputFile
		switch {
		case errors.As(err, &out) && walked[p]:
			// A report written beside the captures it came from: not an input, and no reason to
			// fail the next run over the same directory.
			b.dropSource(p)
			b.note(p, "skipped: %s, not a capture", out.what)
			skipped = append(skipped, filepath.Base(p))
		case errors.As(err, &out):
			return nil, &InputError{Path: p, Msg: out.what + ", not a capture; pass az, ARM or kubectl output, or a syspool snapshot"}
		case errors.Is(err, errEmptyFile) && walked[p]:
			// `syspool check . -o json > report.json` creates report.json, empty, before syspool
			// runs. An empty capture is skipped too; the data it lacks makes rules report errors.
			b.dropSource(p)
			b.note(p, "skipped: the file is empty")
			skipped = append(skipped, filepath.Base(p))
		case err != nil:
			return nil, err
		}
	}
	if len(skipped) == len(paths) {
		return nil, &InputError{Path: c.opts.Paths[0], Msg: fmt.Sprintf(
			"no input files: only reports or empty files were found (%s); expected az, ARM or kubectl JSON/YAML files",
			abbreviate(skipped, 3))}
	}
	if b.snap != nil {
		return b.snap, nil
	}
	return b.finish(c.opts)
}

func (b *builder) finish(opts Options) (*snapshot.Snapshot, error) {
	s := &snapshot.Snapshot{
		SchemaVersion: snapshot.SchemaVersion,
		Provenance: snapshot.Provenance{
			Tool:        "syspool",
			ToolVersion: opts.ToolVersion,
			CollectedAt: opts.Now().UTC(),
			Mode:        "files",
			Sources:     make([]snapshot.Source, 0, len(b.sources)),
		},
		Cluster:   b.cluster,
		Nodes:     nonNil(b.nodes),
		Pods:      nonNil(b.pods),
		Workloads: nonNil(b.workloads),
		PDBs:      nonNil(b.pdbs),
		Coverage:  snapshot.Coverage{},
	}
	if id := b.idOf; !b.clusterRead && id.Cluster != "" {
		// Pool ids still say which cluster the pools belong to.
		s.Cluster.Name, s.Cluster.ResourceGroup, s.Cluster.SubscriptionID = id.Cluster, id.ResourceGroup, id.Subscription
		if id.Subscription != "" && id.ResourceGroup != "" {
			s.Cluster.ID = "/subscriptions/" + id.Subscription + "/resourceGroups/" + id.ResourceGroup +
				"/providers/Microsoft.ContainerService/managedClusters/" + id.Cluster
		}
	}
	for _, src := range b.sources {
		s.Provenance.Sources = append(s.Provenance.Sources, src.source())
		b.noteIgnored(src)
	}
	s.Pools = b.mergedPools()
	b.sortKube(s)
	b.coverage(s)
	if err := b.checkNodes(s); err != nil {
		return nil, err
	}
	if err := b.checkPods(s); err != nil {
		return nil, err
	}
	s.Notes = append(b.notes, snapshot.Join(s)...)
	for _, k := range []snapshot.DataKind{snapshot.KindNodes, snapshot.KindPods, snapshot.KindDeployments,
		snapshot.KindDaemonSets, kindStatefulSets, snapshot.KindPDBs} {
		if n := b.dups[k]; n > 0 {
			s.Notes = append(s.Notes, snapshot.Note{Message: fmt.Sprintf(
				"%d %s were read more than once (overlapping captures); the first copy of each was kept", n, k)})
		}
	}
	return s, nil
}

func abbreviate(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(names[:n], ", "), len(names)-n)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (b *builder) noteIgnored(src *sourceAcc) {
	if len(src.ignored) == 0 {
		return
	}
	kinds := make([]string, 0, len(src.ignored))
	for k := range src.ignored {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%d %s", src.ignored[k], k)
	}
	b.note(src.path, "ignored %s: syspool reads %s", strings.Join(parts, ", "), kubeKindsRead)
}

// sortKube orders the Kubernetes objects by name so that the snapshot does not depend on the order
// of files or of kubectl's output.
func (b *builder) sortKube(s *snapshot.Snapshot) {
	byNamespace := func(ns1, n1, ns2, n2 string) int {
		if c := strings.Compare(ns1, ns2); c != 0 {
			return c
		}
		return strings.Compare(n1, n2)
	}
	// kubectl lists come sorted already: checking is a pass, sorting 150,000 pods is not.
	sortStable(s.Nodes, func(a, c snapshot.Node) int { return strings.Compare(a.Name, c.Name) })
	sortStable(s.Pods, func(a, c snapshot.Pod) int { return byNamespace(a.Namespace, a.Name, c.Namespace, c.Name) })
	sortStable(s.Workloads, func(a, c snapshot.Workload) int {
		if k := strings.Compare(a.Kind, c.Kind); k != 0 {
			return k
		}
		return byNamespace(a.Namespace, a.Name, c.Namespace, c.Name)
	})
	sortStable(s.PDBs, func(a, c snapshot.PDB) int { return byNamespace(a.Namespace, a.Name, c.Namespace, c.Name) })
}

func sortStable[E any](s []E, cmp func(a, b E) int) {
	if !slices.IsSortedFunc(s, cmp) {
		slices.SortStableFunc(s, cmp)
	}
}

// coverage says what was read. Kinds no file gave stay absent, so rules that need them report
// an error rather than a pass.
func (b *builder) coverage(s *snapshot.Snapshot) {
	if b.clusterRead {
		s.Coverage[snapshot.KindCluster] = snapshot.KindCoverage{Present: true}
	}
	switch {
	case b.poolListRead:
		s.Coverage[snapshot.KindPools] = snapshot.KindCoverage{Present: true}
	case len(b.singlePools) > 0:
		names := append([]string(nil), b.singlePools...)
		sort.Strings(names)
		scope := "pool " + names[0]
		if len(names) > 1 {
			scope = "pools " + strings.Join(names, ", ")
		}
		s.Coverage[snapshot.KindPools] = snapshot.KindCoverage{Present: true, Partial: true, Scope: scope,
			Reason: "only " + scope + " was read (az aks nodepool show); other pools may exist"}
	}
	for k, kr := range b.kube {
		switch {
		case k == kindStatefulSets:
			// Not a coverage kind (see kindStatefulSets).
		case kr.list:
			s.Coverage[k] = snapshot.KindCoverage{Present: true}
		default:
			scope := "single objects " + abbreviate(kr.singles, 3)
			s.Coverage[k] = snapshot.KindCoverage{Present: true, Partial: true, Scope: scope,
				Reason: "only " + scope + " were read, not a list of all " + string(k)}
		}
	}
	if kr := b.kube[snapshot.KindPods]; kr != nil && kr.list && len(b.podNS) == 1 {
		// All pods in one namespace is what `kubectl get pods -n NS` gives; rules about kube-system
		// can use it, rules about every pod cannot.
		for ns := range b.podNS {
			s.Coverage[snapshot.KindPods] = snapshot.KindCoverage{Present: true, Partial: true, Scope: "namespace " + ns}
		}
	}
}
