package gen

import (
	"fmt"
	"net/netip"
	"strconv"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// Cluster is the plan of one generated cluster: every object's identity, place and state, kept
// small (150,000 pods plan in tens of megabytes). The Kubernetes objects themselves are built from
// the plan on demand by Node, Pod, Deployment, DaemonSet and PDB, one at a time, so writing a
// 1 GB capture never holds more than a few objects per writer goroutine.
type Cluster struct {
	Params Params

	Name, Region, ResourceGroup, NodeResourceGroup string
	SubscriptionID, ID, FQDN, KubernetesVersion    string

	Pools      []*Pool     // in creation order; Pools[0] is the system pool
	Nodes      []*NodePlan // sorted by name, as the API server lists them
	Namespaces []Namespace // sorted by name
	Workloads  []*Workload // in creation order
	Pods       []PodPlan   // sorted by namespace, then name
	PDBs       []*PDBPlan  // sorted by namespace, then name
	Expect     Expect

	// Now is when the capture was taken; every timestamp in it is earlier.
	Now time.Time

	// ManagedFields makes the builders include metadata.managedFields, as the API server returns
	// them and `kubectl get -o json --show-managed-fields` prints them. Off by default, because
	// plain `kubectl get -o json` has dropped them since kubectl 1.21; on, pods are about twice
	// as large.
	ManagedFields bool

	fieldsOnce sync.Once
	fields     *fieldCache
	images     []corev1.ContainerImage                // what every node reports
	resources  map[string]corev1.ResourceRequirements // interned by appResources
}

// Pool is one AKS agent pool.
type Pool struct {
	Name      string
	System    bool
	VMSize    string
	VCPU      int
	MemoryGiB int
	Arch      string // amd64 or arm64
	OSSKU     string // AzureLinux or Ubuntu
	Zones     []string
	Spot      bool
	Count     int               // nodes
	Taints    []string          // as the AKS API spells them: key=value:Effect
	Labels    map[string]string // user-defined node labels
	MaxPods   int
	AutoScale bool
	Min, Max  int
	Created   time.Time
	NodeImage string

	index  int    // creation order
	vmssID string // the 8 digits AKS puts in the scale set's and nodes' names
	nodes  []int  // indexes into Cluster.Nodes
	cursor int    // next node for round-robin placement
	want   int    // app pods this pool should get
	got    int
}

// Mode is the pool's mode as the AKS API spells it.
func (p *Pool) Mode() string {
	if p.System {
		return "System"
	}
	return "User"
}

// NodePlan is one node.
type NodePlan struct {
	Name     string
	Pool     *Pool
	Zone     string // topology.kubernetes.io/zone value
	IP       netip.Addr
	PodCIDR  netip.Prefix
	Instance int
	Created  time.Time
	NotReady bool

	nextIP int // pod IPs handed out from PodCIDR
}

// Namespace is a namespace and the service accounts its pods use.
type Namespace struct {
	Name            string
	ServiceAccounts []string // sorted; "default" included
}

// Controller kinds of workloads.
const (
	kindDeployment  = "Deployment"
	kindDaemonSet   = "DaemonSet"
	kindStatefulSet = "StatefulSet"
	kindJob         = "Job"
)

// Workload is a controller and the pod template its pods share.
type Workload struct {
	Kind      string
	Namespace string
	Name      string
	Replicas  int
	Labels    map[string]string // the controller's own labels
	Selector  map[string]string
	Template  corev1.PodTemplateSpec // as the controller stores it: defaulted, no admission additions
	Created   time.Time
	UID       string
	// Hash is the pod-template-hash (Deployment) or controller-revision-hash (DaemonSet).
	Hash string
	// The controller of the pods: a ReplicaSet for a Deployment, else the workload itself.
	OwnerKind, OwnerName, OwnerUID string
	Pool                           *Pool  // app workloads: the pool their pods run on
	Manager                        string // field manager that created the controller object
	Planted                        string // why this workload is one of the planted problems
	System                         bool

	ready     int       // pods Running and ready
	newestPod time.Time // creation of the newest pod

	apiToken bool // pods get the kube-api-access volume

	podSpec corev1.PodSpec // Template.Spec plus what admission and the controller add to each pod
	shape   string         // workloads with the same shape have the same managed field paths
	index   int
}

// PodState is the state a generated pod is captured in.
type PodState uint8

const (
	Running PodState = iota
	CrashLooping
	Pending
	Succeeded
)

// PodPlan is one pod: its name, controller, node and state.
type PodPlan struct {
	Name     string
	Workload int32 // index into Cluster.Workloads
	Node     int32 // index into Cluster.Nodes; -1 when Pending
	Replica  int32 // StatefulSet ordinal, or the pod's number within its workload
	State    PodState
	IP       netip.Addr
	Created  time.Time
}

// PDBPlan is a PodDisruptionBudget over one workload.
type PDBPlan struct {
	Namespace, Name string
	Workload        int
	MinAvailable    string // either this or MaxUnavailable: an int or a percentage
	MaxUnavailable  string
	UID             string
	Created         time.Time
}

// Expect is what an audit of the generated cluster must find. It is computed from the finished
// plan, not from the intentions that built it, so tests and benchmarks can trust it.
type Expect struct {
	Nodes, Pods, SystemNodes int
	// KubeSystemOffSystem are kube-system pods not owned by a DaemonSet on nodes outside system
	// pools, as namespace/name.
	KubeSystemOffSystem []string
	// OthersOnSystem are pods outside kube-system on system-pool nodes.
	OthersOnSystem []string
	CrashLooping   []string
	Pending        []string
	NotReadyNodes  []string
	// BlockingPDBs allow no disruption at all (maxUnavailable 0).
	BlockingPDBs []string
}

// Address plan: nodes in the AKS VNet's subnet, pods from the overlay CIDR, one /24 per node.
const (
	podCIDR     = "10.128.0.0/11"
	serviceCIDR = "10.0.0.0/16"
	dnsService  = "10.0.0.10"
)

var (
	nodeSubnetBase = netip.MustParseAddr("10.224.0.4")
	podCIDRBase    = netip.MustParseAddr("10.128.0.0")
)

// New plans a cluster.
func New(p Params) (*Cluster, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	c := &Cluster{Params: p, KubernetesVersion: "1.35.6", Region: regions[p.Seed%uint64(len(regions))]}
	c.Now = at(171*24*time.Hour + 5*time.Hour)
	k := c.key(tagSubscription, 0, 0)
	c.SubscriptionID = uuid(k, mix(k))
	c.Name = "aks-prod-" + c.Region
	c.ResourceGroup = "rg-platform-prod-" + c.Region
	c.NodeResourceGroup = fmt.Sprintf("MC_%s_%s_%s", c.ResourceGroup, c.Name, c.Region)
	c.ID = fmt.Sprintf("/subscriptions/%s/resourcegroups/%s/providers/Microsoft.ContainerService/managedClusters/%s",
		c.SubscriptionID, c.ResourceGroup, c.Name)
	c.FQDN = fmt.Sprintf("%s-dns-%s.hcp.%s.azmk8s.io", c.Name, suffix(k, 8), c.Region)

	c.images = c.nodeImages()
	c.planPools()
	c.planNodes()
	if err := c.planWorkloads(); err != nil {
		return nil, err
	}
	c.finish()
	return c, nil
}

// warm builds one object of every shape, which computes and caches the managed field sets, so
// that an error there is returned before any output is written instead of surfacing from a
// builder later. WriteDir and Load call it when ManagedFields is set.
func (c *Cluster) warm() error {
	if !c.ManagedFields {
		return nil
	}
	seen := map[string]bool{}
	first := func(key string) bool {
		if seen[key] {
			return false
		}
		seen[key] = true
		return true
	}
	for i, n := range c.Nodes {
		if first(fmt.Sprint("node ", n.Pool.index, n.NotReady)) {
			if _, err := c.node(i, false); err != nil {
				return err
			}
		}
	}
	for i := range c.Pods {
		p := &c.Pods[i]
		if first(fmt.Sprint("pod ", c.Workloads[p.Workload].shape, p.State)) {
			if _, err := c.pod(i, false); err != nil {
				return err
			}
		}
	}
	// Controllers are few (one per hundred pods or so), and their shape keys depend on their
	// status too: build them all.
	for _, i := range c.Deployments() {
		if _, err := c.deployment(i); err != nil {
			return err
		}
	}
	for _, i := range c.DaemonSets() {
		if _, err := c.daemonSet(i); err != nil {
			return err
		}
	}
	for i := range c.PDBs {
		if _, err := c.pdb(i); err != nil {
			return err
		}
	}
	return nil
}

var regions = []string{"eastus2", "westeurope", "swedencentral", "australiaeast", "japaneast"}

// poolProfile is one kind of user pool; pools cycle through the profiles.
type poolProfile struct {
	stem, vmSize, osSKU string
	spot, nonZonal      bool
	labels              map[string]string
}

var userProfiles = []poolProfile{
	{stem: "apps", vmSize: "Standard_D8ds_v5", osSKU: "AzureLinux"},
	{stem: "web", vmSize: "Standard_D4ds_v5", osSKU: "AzureLinux"},
	{stem: "api", vmSize: "Standard_D8ds_v5", osSKU: "Ubuntu"},
	{stem: "mem", vmSize: "Standard_E8ds_v5", osSKU: "AzureLinux", labels: map[string]string{"workload-class": "memory"}},
	{stem: "cpu", vmSize: "Standard_F16s_v2", osSKU: "Ubuntu", labels: map[string]string{"workload-class": "compute"}},
	{stem: "spot", vmSize: "Standard_D8as_v5", osSKU: "AzureLinux", spot: true},
	{stem: "arm", vmSize: "Standard_D8pds_v5", osSKU: "AzureLinux"},
	{stem: "batch", vmSize: "Standard_D16ds_v5", osSKU: "Ubuntu", nonZonal: true, labels: map[string]string{"workload-class": "batch"}},
}

var vmShapes = map[string]struct {
	cpu, memGiB int
	arch        string
}{
	"Standard_D4ds_v5": {4, 16, "amd64"}, "Standard_D8ds_v5": {8, 32, "amd64"}, "Standard_D16ds_v5": {16, 64, "amd64"},
	"Standard_E8ds_v5": {8, 64, "amd64"}, "Standard_F16s_v2": {16, 32, "amd64"}, "Standard_D8as_v5": {8, 32, "amd64"},
	"Standard_D8pds_v5": {8, 32, "arm64"},
}

func (c *Cluster) planPools() {
	r := newRand(c.Params.Seed, streamPools)
	sys := &Pool{Name: "system", System: true, VMSize: "Standard_D8ds_v5", OSSKU: "AzureLinux",
		Zones: []string{"1", "2", "3"}, Taints: []string{"CriticalAddonsOnly=true:NoSchedule"}, MaxPods: 110,
		AutoScale: true, Created: epoch}
	c.Pools = append(c.Pools, sys)
	for i := 1; i < c.Params.Pools; i++ {
		prof := userProfiles[(i-1)%len(userProfiles)]
		p := &Pool{Name: fmt.Sprintf("%s%02d", prof.stem, (i-1)/len(userProfiles)+1), VMSize: prof.vmSize, OSSKU: prof.osSKU,
			Spot: prof.spot, Labels: prof.labels, MaxPods: 110, AutoScale: r.IntN(3) > 0,
			Created: at(time.Duration(i)*26*time.Hour + time.Duration(r.IntN(3600))*time.Second)}
		if !prof.nonZonal {
			p.Zones = []string{"1", "2", "3"}
		}
		if p.Spot {
			p.Taints = []string{"kubernetes.azure.com/scalesetpriority=spot:NoSchedule"}
		}
		c.Pools = append(c.Pools, p)
	}
	// System nodes first; the rest spread over the user pools with some variety in size.
	users := c.Params.Nodes - systemNodes(c.Params.Nodes)
	sys.Min, sys.Max = systemNodes(c.Params.Nodes), systemNodes(c.Params.Nodes)+2
	weights := make([]int, len(c.Pools))
	total := 0
	for i := 1; i < len(c.Pools); i++ {
		weights[i] = 5 + r.IntN(11)
		total += weights[i]
	}
	assigned := 0
	for i, p := range c.Pools {
		p.index = i
		p.vmssID = strconv.Itoa(10000000 + int(c.key(tagMisc, i, 0)%90000000))
		shape := vmShapes[p.VMSize]
		p.VCPU, p.MemoryGiB, p.Arch = shape.cpu, shape.memGiB, shape.arch
		p.NodeImage = nodeImage(p)
		if i == 0 {
			p.Count = systemNodes(c.Params.Nodes)
			p.Min, p.Max = p.Count, p.Count+2
			continue
		}
		// Every user pool gets one node, the rest by weight; the last pool takes the remainder.
		n := 1 + (users-(len(c.Pools)-1))*weights[i]/total
		if i == len(c.Pools)-1 {
			n = users - assigned
		}
		assigned += n
		p.Count = n
		p.Min, p.Max = max(1, n/2), n+n/2+1
	}
}

func nodeImage(p *Pool) string {
	switch {
	case p.OSSKU == "Ubuntu":
		return "AKSUbuntu-2204gen2containerd-202510.20.0"
	case p.Arch == "arm64":
		return "AKSAzureLinux-V3gen2arm64-202510.20.0"
	default:
		return "AKSAzureLinux-V3gen2-202510.20.0"
	}
}

// planWorkloads plans the kube-system add-ons, the apps and the PodDisruptionBudgets, and places
// every pod.
func (c *Cluster) planWorkloads() error {
	r := newRand(c.Params.Seed, streamWorkloads)
	c.planSystem(r)
	c.placeSystem(r)
	c.planApps(r, c.Params.Pods-len(c.Pods))
	// The PDBs AKS itself creates for its add-ons.
	for _, w := range c.Workloads[:len(systemDeployments)] {
		name := map[string]string{"coredns": "coredns-pdb", "konnectivity-agent": "konnectivity-agent",
			"metrics-server": "metrics-server-pdb"}[w.Name]
		if name != "" {
			c.PDBs = append(c.PDBs, &PDBPlan{Namespace: w.Namespace, Name: name, Workload: w.index, MinAvailable: "1",
				UID: c.uid(tagMisc, len(c.PDBs), 7), Created: w.Created.Add(time.Second)})
		}
	}
	// Planted: one app PDB allows no disruption at all, so no node of its pool can be drained.
	for _, b := range c.PDBs {
		if !c.Workloads[b.Workload].System {
			b.MinAvailable, b.MaxUnavailable = "", "0"
			c.Workloads[b.Workload].Planted = "PDB maxUnavailable 0 blocks every drain"
			break
		}
	}
	if len(c.Pods) != c.Params.Pods {
		return fmt.Errorf("internal error: planned %d pods, want %d", len(c.Pods), c.Params.Pods)
	}
	return nil
}
