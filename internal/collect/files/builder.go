package files

import (
	"fmt"
	"maps"
	"sort"
	"strings"

	"github.com/syspool/syspool/internal/snapshot"
)

// sourceAcc accumulates what one file contributed, for Provenance.Sources and for notes.
type sourceAcc struct {
	path    string
	sha256  string
	format  string // "json" or "yaml"
	kinds   []string
	objects map[snapshot.DataKind]int
	ignored map[string]int
	// peakKept is the most bytes of the file held at once while reading JSON.
	peakKept int
}

func (s *sourceAcc) kind(k string) {
	for _, have := range s.kinds {
		if have == k {
			return
		}
	}
	s.kinds = append(s.kinds, k)
}

func (s *sourceAcc) count(k snapshot.DataKind) { s.objects[k]++ }

func (s *sourceAcc) ignore(kind string) {
	if kind == "" {
		kind = "(no kind)"
	}
	s.ignored[kind]++
}

func (s *sourceAcc) source() snapshot.Source {
	kind := strings.Join(s.kinds, " + ")
	if s.format == "yaml" {
		kind += " (yaml)"
	}
	src := snapshot.Source{Path: s.path, SHA256: s.sha256, Kind: kind}
	if len(s.objects) > 0 {
		src.Objects = s.objects
	}
	return src
}

// poolFrom is one source's view of a pool.
type poolFrom struct {
	pool snapshot.Pool
	path string
}

// poolViews holds every view of one pool. A dedicated view (az aks nodepool list/show, an ARM
// agent pool) is what the agent pool API itself says and wins over the copy embedded in a
// managed-cluster document.
type poolViews struct {
	dedicated, embedded *poolFrom
}

// kindRead says how a Kubernetes kind was read: a list (`kubectl get pods -A`) covers the kind, a
// few objects fetched by name (`kubectl get deploy coredns`) do not.
type kindRead struct {
	list    bool
	singles []string
}

// where is a place in an input file, kept for errors found after reading (node checks).
type where struct {
	path      string
	line, col int
}

// builder accumulates the objects of all files into one snapshot.
type builder struct {
	sources []*sourceAcc
	notes   []snapshot.Note

	cluster     snapshot.Cluster
	clusterRead bool // a managed-cluster document was read
	// Identity of the cluster the first Azure document was about, to refuse a second one.
	idKey, idName, idPath string
	idOf                  resourceID

	pools        map[string]*poolViews
	poolListRead bool     // some document listed all pools
	singlePools  []string // pools read from one-pool documents

	nodes     []snapshot.Node
	nodeAt    map[string]where
	pods      []snapshot.Pod
	workloads []snapshot.Workload
	pdbs      []snapshot.PDB
	seen      map[objectKey]bool
	intern    *snapshot.Interner
	jr        *journal // set while the fast path adds a file it may still decline
	dups      map[snapshot.DataKind]int
	kube      map[snapshot.DataKind]*kindRead
	podNS     map[string]bool

	// fastMin is the smallest file readFile tries the fast path on.
	fastMin int64

	// A syspool snapshot is used as it is and must come alone.
	snap               *snapshot.Snapshot
	snapPath, firstDoc string
}

func newBuilder() *builder {
	return &builder{
		pools:  map[string]*poolViews{},
		nodeAt: map[string]where{},
		seen:   map[objectKey]bool{},
		intern: snapshot.NewInterner(),
		dups:   map[snapshot.DataKind]int{},
		kube:   map[snapshot.DataKind]*kindRead{},
		podNS:  map[string]bool{},
	}
}

func (b *builder) newSource(path string) *sourceAcc {
	s := &sourceAcc{path: path, objects: map[snapshot.DataKind]int{}, ignored: map[string]int{}}
	b.sources = append(b.sources, s)
	return s
}

// dropSource forgets the source of path, read last, when the file turned out not to be an input.
func (b *builder) dropSource(path string) {
	if n := len(b.sources); n > 0 && b.sources[n-1].path == path {
		b.sources = b.sources[:n-1]
	}
}

// outputFile is a file that is an output, syspool's or a CI tool's (a JSON report, SARIF, JUnit
// XML), rather than a capture: skipped with a note in a directory walk, an error when named.
type outputFile struct{ what string }

func (o *outputFile) Error() string { return o.what }

func (b *builder) note(path, format string, args ...any) {
	b.notes = append(b.notes, snapshot.Note{Source: path, Message: fmt.Sprintf(format, args...)})
}

// dup reports whether an object was already read from an earlier file (or earlier in this one):
// overlapping captures such as `kubectl get pods -A` and `kubectl get pods -n kube-system` are
// fine, and the first copy is kept.
func (b *builder) dup(kind snapshot.DataKind, ns, name string) bool {
	key := objectKey{kind, ns, name}
	if b.seen[key] {
		b.dups[kind]++
		return true
	}
	b.seen[key] = true
	if b.jr != nil {
		b.jr.keys = append(b.jr.keys, key)
	}
	return false
}

// journal is what the builder looked like before the fast path began a file, and what it has
// added to the maps since, so that rollback can take the file out again when the fast path
// declines it half way.
type journal struct {
	pods, nodes, pdbs, workloads, sources int
	firstDoc                              string
	kube                                  map[snapshot.DataKind]kindRead
	dups                                  map[snapshot.DataKind]int
	keys                                  []objectKey
	nodeNames, podNS                      []string
}

func (b *builder) startJournal() *journal {
	j := &journal{
		pods: len(b.pods), nodes: len(b.nodes), pdbs: len(b.pdbs), workloads: len(b.workloads),
		sources: len(b.sources), firstDoc: b.firstDoc,
		kube: map[snapshot.DataKind]kindRead{}, dups: maps.Clone(b.dups),
	}
	for k, v := range b.kube {
		j.kube[k] = *v
	}
	b.jr = j
	return j
}

func (b *builder) endJournal() { b.jr = nil }

// rollback undoes everything added since j began.
func (b *builder) rollback(j *journal) {
	b.jr = nil
	b.pods, b.nodes, b.pdbs, b.workloads = b.pods[:j.pods], b.nodes[:j.nodes], b.pdbs[:j.pdbs], b.workloads[:j.workloads]
	b.sources, b.firstDoc = b.sources[:j.sources], j.firstDoc
	for _, k := range j.keys {
		delete(b.seen, k)
	}
	for _, n := range j.nodeNames {
		delete(b.nodeAt, n)
	}
	for _, ns := range j.podNS {
		delete(b.podNS, ns)
	}
	b.dups = j.dups
	b.kube = map[snapshot.DataKind]*kindRead{}
	for k, v := range j.kube {
		b.kube[k] = &v
	}
}

// objectKey identifies an object for dup; its strings are the object's own, so a key costs no
// allocation of its own at 150,000 pods.
type objectKey struct {
	kind     snapshot.DataKind
	ns, name string
}

// readKind records that an object of kind k was read from o.
func (b *builder) readKind(o object, k snapshot.DataKind, ns, name string) {
	kr := b.kube[k]
	if kr == nil {
		kr = &kindRead{}
		b.kube[k] = kr
	}
	if o.list == "items" {
		kr.list = true
	} else {
		kr.singles = append(kr.singles, qualified(ns, name))
	}
	o.r.src.count(k)
}

func (b *builder) addNode(o object, n snapshot.Node) {
	line, col := o.position(nodeNeedle(n))
	b.addNodeAt(o, n, line, col)
}

// nodeNeedle is where in its object a node is placed: at its cluster label, which is what the
// node checks complain about.
func nodeNeedle(n snapshot.Node) string {
	if rg := n.Labels[snapshot.LabelCluster]; rg != "" {
		return rg
	}
	return n.Name
}

// addNodeAt adds a node placed at line and col of o's file.
func (b *builder) addNodeAt(o object, n snapshot.Node, line, col int) {
	b.readKind(o, snapshot.KindNodes, "", n.Name)
	if b.dup(snapshot.KindNodes, "", n.Name) {
		return
	}
	b.nodeAt[n.Name] = where{path: o.r.path, line: line, col: col}
	if b.jr != nil {
		b.jr.nodeNames = append(b.jr.nodeNames, n.Name)
	}
	b.intern.Node(&n)
	b.nodes = append(b.nodes, n)
}

func (b *builder) addPod(o object, p snapshot.Pod) {
	b.intern.Pod(&p)
	b.addInternedPod(o, p)
}

// addInternedPod adds a pod whose strings and maps an interner has shared already (the fast path
// does that on its decoding goroutines).
func (b *builder) addInternedPod(o object, p snapshot.Pod) {
	b.readKind(o, snapshot.KindPods, p.Namespace, p.Name)
	if !b.podNS[p.Namespace] && b.jr != nil {
		b.jr.podNS = append(b.jr.podNS, p.Namespace)
	}
	b.podNS[p.Namespace] = true
	if !b.dup(snapshot.KindPods, p.Namespace, p.Name) {
		b.pods = append(b.pods, p)
	}
}

func (b *builder) addPDB(o object, p snapshot.PDB) {
	b.readKind(o, snapshot.KindPDBs, p.Namespace, p.Name)
	if !b.dup(snapshot.KindPDBs, p.Namespace, p.Name) {
		b.pdbs = append(b.pdbs, p)
	}
}

func (b *builder) addWorkload(o object, w snapshot.Workload, kind snapshot.DataKind) {
	b.readKind(o, kind, w.Namespace, w.Name)
	if !b.dup(kind, w.Namespace, w.Name) {
		b.intern.Workload(&w)
		b.workloads = append(b.workloads, w)
	}
}

// addPool records one view of a pool; single is set for documents that hold one pool only.
func (b *builder) addPool(path string, p snapshot.Pool, dedicated, single bool) {
	v := b.pools[p.Name]
	if v == nil {
		v = &poolViews{}
		b.pools[p.Name] = v
	}
	slot := &v.embedded
	if dedicated {
		slot = &v.dedicated
	}
	if *slot == nil {
		*slot = &poolFrom{pool: p, path: path}
	} else {
		b.comparePools(*slot, &poolFrom{pool: p, path: path})
		fillPool(&(*slot).pool, p)
	}
	if single {
		b.singlePools = append(b.singlePools, p.Name)
	} else if dedicated {
		b.poolListRead = true
	}
}

// mergedPools resolves every pool's views into one, sorted by name.
func (b *builder) mergedPools() []snapshot.Pool {
	names := make([]string, 0, len(b.pools))
	for n := range b.pools {
		names = append(names, n)
	}
	sort.Strings(names)
	out := make([]snapshot.Pool, 0, len(names))
	for _, n := range names {
		v := b.pools[n]
		chosen := v.dedicated
		if chosen == nil {
			chosen = v.embedded
		} else if v.embedded != nil {
			b.comparePools(v.dedicated, v.embedded)
			fillPool(&chosen.pool, v.embedded.pool)
		}
		p := chosen.pool
		if p.Mode == "" {
			// Before API version 2020-03-01 pools had no mode and the API treats them as User.
			p.Mode, p.ModeDefaulted = snapshot.ModeUser, true
			b.note(chosen.path, "pool %q has no mode (written by an API version before 2020-03-01); treated as User, as the API does", p.Name)
		}
		out = append(out, p)
	}
	return out
}

// comparePools notes where two views of a pool disagree on what the rules weigh most; a
// difference in anything else is the normal lag between captures and not worth a word.
func (b *builder) comparePools(keep, other *poolFrom) {
	k, o := keep.pool, other.pool
	var diffs []string
	if k.Mode != "" && o.Mode != "" && k.Mode != o.Mode {
		diffs = append(diffs, fmt.Sprintf("mode %s vs %s", k.Mode, o.Mode))
	}
	if k.Count != nil && o.Count != nil && *k.Count != *o.Count {
		diffs = append(diffs, fmt.Sprintf("count %d vs %d", *k.Count, *o.Count))
	}
	if k.VMSize != "" && o.VMSize != "" && !strings.EqualFold(k.VMSize, o.VMSize) {
		diffs = append(diffs, fmt.Sprintf("vmSize %s vs %s", k.VMSize, o.VMSize))
	}
	if len(diffs) > 0 {
		b.note(keep.path, "pool %q differs between %s and %s (%s); using %s",
			k.Name, keep.path, other.path, strings.Join(diffs, ", "), keep.path)
	}
}

// fillPool fills the fields dst lacks from src.
func fillPool(dst *snapshot.Pool, src snapshot.Pool) {
	str := func(d *string, s string) {
		if *d == "" {
			*d = s
		}
	}
	num := func(d **int, s *int) {
		if *d == nil {
			*d = s
		}
	}
	flag := func(d **bool, s *bool) {
		if *d == nil {
			*d = s
		}
	}
	str(&dst.Mode, src.Mode)
	num(&dst.Count, src.Count)
	num(&dst.MinCount, src.MinCount)
	num(&dst.MaxCount, src.MaxCount)
	num(&dst.OSDiskSizeGB, src.OSDiskSizeGB)
	num(&dst.MaxPods, src.MaxPods)
	str(&dst.VMSize, src.VMSize)
	str(&dst.OSType, src.OSType)
	str(&dst.OSSKU, src.OSSKU)
	str(&dst.OSDiskType, src.OSDiskType)
	str(&dst.ScaleSetPriority, src.ScaleSetPriority)
	str(&dst.Type, src.Type)
	str(&dst.OrchestratorVersion, src.OrchestratorVersion)
	str(&dst.CurrentOrchestratorVersion, src.CurrentOrchestratorVersion)
	str(&dst.NodeImageVersion, src.NodeImageVersion)
	str(&dst.ProvisioningState, src.ProvisioningState)
	str(&dst.PowerState, src.PowerState)
	str(&dst.VnetSubnetID, src.VnetSubnetID)
	str(&dst.ScaleDownMode, src.ScaleDownMode)
	str(&dst.SSHAccess, src.SSHAccess)
	flag(&dst.EnableNodePublicIP, src.EnableNodePublicIP)
	flag(&dst.EnableEncryptionAtHost, src.EnableEncryptionAtHost)
	flag(&dst.EnableFIPS, src.EnableFIPS)
	dst.EnableAutoScaling = dst.EnableAutoScaling || src.EnableAutoScaling
	if dst.Zones == nil {
		dst.Zones = src.Zones
	}
	if dst.Taints == nil {
		dst.Taints = src.Taints
	}
	if dst.Labels == nil {
		dst.Labels = src.Labels
	}
	if dst.Tags == nil {
		dst.Tags = src.Tags
	}
	if dst.Upgrade == (snapshot.UpgradeSettings{}) {
		dst.Upgrade = src.Upgrade
	}
}

// fillCluster fills the fields dst lacks from src (az aks show and the ARM body of one cluster).
func fillCluster(dst *snapshot.Cluster, src snapshot.Cluster) {
	for _, f := range []struct {
		d *string
		s string
	}{
		{&dst.ID, src.ID}, {&dst.Name, src.Name}, {&dst.ResourceGroup, src.ResourceGroup},
		{&dst.SubscriptionID, src.SubscriptionID}, {&dst.Location, src.Location},
		{&dst.KubernetesVersion, src.KubernetesVersion}, {&dst.CurrentKubernetesVersion, src.CurrentKubernetesVersion},
		{&dst.ProvisioningState, src.ProvisioningState}, {&dst.PowerState, src.PowerState},
		{&dst.SKUName, src.SKUName}, {&dst.SKUTier, src.SKUTier}, {&dst.NodeResourceGroup, src.NodeResourceGroup},
		{&dst.FQDN, src.FQDN}, {&dst.PrivateFQDN, src.PrivateFQDN}, {&dst.NetworkPlugin, src.NetworkPlugin},
		{&dst.NetworkPluginMode, src.NetworkPluginMode}, {&dst.UpgradeChannel, src.UpgradeChannel},
		{&dst.NodeOSUpgradeChannel, src.NodeOSUpgradeChannel}, {&dst.NodeProvisioningMode, src.NodeProvisioningMode},
		{&dst.SupportPlan, src.SupportPlan},
	} {
		if *f.d == "" {
			*f.d = f.s
		}
	}
	if dst.Tags == nil {
		dst.Tags = src.Tags
	}
	dst.HostedSystemPool = dst.HostedSystemPool || src.HostedSystemPool
}
