package gen

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func (c *Cluster) planNodes() {
	r := newRand(c.Params.Seed, streamNodes)
	k := 0
	for _, p := range c.Pools {
		inst := 0
		for range p.Count {
			// Scale-downs and node replacements leave gaps in the scale set's instance numbers.
			if r.IntN(6) == 0 {
				inst += 1 + r.IntN(4)
			}
			id := strconv.FormatInt(int64(inst), 36)
			n := &NodePlan{
				Name:     fmt.Sprintf("aks-%s-%s-vmss%s%s", p.Name, p.vmssID, strings.Repeat("0", 6-len(id)), id),
				Pool:     p,
				Instance: inst,
				IP:       addIP(nodeSubnetBase, k),
				PodCIDR:  netip.PrefixFrom(addIP(podCIDRBase, k*256), 24),
				// The last node image upgrade replaced every node in the past few weeks.
				Created: c.Now.Add(-time.Duration(3*24*3600+r.IntN(20*24*3600)) * time.Second),
			}
			if p.Zones != nil {
				n.Zone = fmt.Sprintf("%s-%d", c.Region, inst%3+1)
			} else {
				n.Zone = strconv.Itoa(inst % 3) // a fault domain: what non-zonal nodes carry
			}
			c.Nodes = append(c.Nodes, n)
			inst++
			k++
		}
	}
	// Planted: the last node of the first user pool stopped reporting.
	c.Nodes[c.Pools[0].Count+c.Pools[1].Count-1].NotReady = true
	slices.SortFunc(c.Nodes, func(a, b *NodePlan) int { return strings.Compare(a.Name, b.Name) })
	for i, n := range c.Nodes {
		n.Pool.nodes = append(n.Pool.nodes, i)
	}
}

// addWorkload registers w and derives what its pods share.
func (c *Cluster) addWorkload(w *Workload, r *rand.Rand) {
	w.index = len(c.Workloads)
	c.Workloads = append(c.Workloads, w)
	w.UID = c.uid(tagMisc, w.index, 0)
	defaultPodSpec(&w.Template.Spec)
	w.OwnerKind, w.OwnerName, w.OwnerUID = w.Kind, w.Name, w.UID
	switch w.Kind {
	case kindDeployment:
		w.Hash = suffixFrom(r, 9+r.IntN(2))
		w.OwnerKind, w.OwnerName, w.OwnerUID = "ReplicaSet", w.Name+"-"+w.Hash, c.uid(tagMisc, w.index, 1)
	case kindDaemonSet, kindStatefulSet:
		w.Hash = suffixFrom(r, 9+r.IntN(2))
	}
	w.podSpec = c.podSpecOf(w)
}

// podSpecOf is the spec every pod of w shares: the template plus what admission adds (service
// account, API token volume, priority, default tolerations) and what the DaemonSet controller adds.
//
// It shares everything it does not change with the template (a plan of 20,000 workloads holds
// each spec once, not twice); what it changes gets fresh slices, so the template stays intact.
func (c *Cluster) podSpecOf(w *Workload) corev1.PodSpec {
	s := w.Template.Spec
	if s.ServiceAccountName == "" {
		s.ServiceAccountName = "default"
	}
	s.DeprecatedServiceAccount = s.ServiceAccountName
	if w.apiToken = s.AutomountServiceAccountToken == nil || *s.AutomountServiceAccountToken; w.apiToken {
		s.Volumes = append(slices.Clip(s.Volumes), apiAccessVolume(apiAccessSentinel))
		s.InitContainers = withMount(s.InitContainers, mount(apiAccessSentinel, serviceAccountMountPath, true))
		s.Containers = withMount(s.Containers, mount(apiAccessSentinel, serviceAccountMountPath, true))
	}
	s.Priority = ptr(priorities[s.PriorityClassName])
	s.PreemptionPolicy = ptr(corev1.PreemptLowerPriority)
	if w.Kind == kindDaemonSet {
		s.Tolerations = append(slices.Clip(s.Tolerations), daemonSetTolerations(s.HostNetwork)...)
	}
	if !toleratesNotReady(s.Tolerations) {
		s.Tolerations = append(slices.Clip(s.Tolerations), admissionTolerations...)
	}
	return s
}

// withMount returns copies of cs with m appended to each container's mounts.
func withMount(cs []corev1.Container, m corev1.VolumeMount) []corev1.Container {
	if len(cs) == 0 {
		return cs
	}
	cs = slices.Clone(cs)
	for i := range cs {
		cs[i].VolumeMounts = append(slices.Clip(cs[i].VolumeMounts), m)
	}
	return cs
}

var priorities = map[string]int32{"": 0, "system-node-critical": 2000001000, "system-cluster-critical": 2000000000}

// toleratesNotReady is the DefaultTolerationSeconds admission plugin's test.
func toleratesNotReady(ts []corev1.Toleration) bool {
	for _, t := range ts {
		if (t.Key == "" || t.Key == "node.kubernetes.io/not-ready") && (t.Effect == "" || t.Effect == corev1.TaintEffectNoExecute) {
			return true
		}
	}
	return false
}

// apiAccessSentinel stands for a pod's kube-api-access-xxxxx volume name while managed fields are
// computed once per workload shape; 0 is not in nameAlphabet, so no real name is equal to it.
const apiAccessSentinel = "kube-api-access-00000"

func (c *Cluster) planSystem(r *rand.Rand) {
	for i, a := range append(slices.Clip(systemDeployments), daemonSets...) {
		w := &Workload{Kind: a.kind, Namespace: metav1.NamespaceSystem, Name: a.name, System: true,
			Labels: aksLabels(a.selector), Selector: a.selector, Manager: "kubectl", shape: "kube-system/" + a.name,
			Created: at(time.Duration(20+i)*time.Minute + time.Duration(r.IntN(60))*time.Second)}
		labels := map[string]string{}
		for _, m := range []map[string]string{a.selector, a.podLabels} {
			for k, v := range m {
				labels[k] = v
			}
		}
		w.Template = corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: a.annotations}, Spec: a.spec(c)}
		if a.kind == kindDeployment {
			w.Replicas = a.replicas(c.Params.Nodes)
		} else {
			w.Replicas = len(c.Nodes)
		}
		c.addWorkload(w, r)
	}
}

// place adds the pods of a workload. node picks the node of replica i (-1: Pending).
func (c *Cluster) place(w *Workload, r *rand.Rand, node func(i int) int, state func(i int) PodState) {
	seen := map[string]bool{}
	for i := range w.Replicas {
		var name string
		switch w.Kind {
		case kindStatefulSet:
			name = w.Name + "-" + strconv.Itoa(i)
		default:
			for name == "" || seen[name] {
				name = w.OwnerName + "-" + suffixFrom(r, 5)
			}
			seen[name] = true
		}
		p := PodPlan{Name: name, Workload: int32(w.index), Node: -1, Replica: int32(i), State: state(i)}
		if p.State != Pending {
			n := c.Nodes[node(i)]
			p.Node = int32(node(i))
			if w.Template.Spec.HostNetwork {
				p.IP = n.IP
			} else {
				n.nextIP++
				p.IP = addIP(n.PodCIDR.Addr(), 3+n.nextIP)
			}
			// A pod starts after its node and its controller, within minutes of the later one.
			p.Created = later(n.Created, w.Created).Add(time.Duration(5+r.IntN(900)) * time.Second)
		} else {
			p.Created = c.Now.Add(-time.Duration(600+r.IntN(3600)) * time.Second)
		}
		c.Pods = append(c.Pods, p)
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func running(int) PodState { return Running }

// roundRobin returns a node picker that cycles through pool's nodes.
func (p *Pool) roundRobin() func(int) int {
	return func(int) int {
		n := p.nodes[p.cursor%len(p.nodes)]
		p.cursor++
		return n
	}
}

func (c *Cluster) placeSystem(r *rand.Rand) {
	sys := c.Pools[0]
	users := c.Pools[1:]
	offSystem := 0
	for _, w := range c.Workloads {
		switch {
		case w.Kind == kindDaemonSet:
			c.place(w, r, func(i int) int { return i }, running)
		default:
			next := sys.roundRobin()
			c.place(w, r, func(i int) int {
				// Planted: the last two coredns replicas and the second metrics-server replica
				// landed on user pools (a full system pool, or a mode change that moved nothing).
				if (w.Name == "coredns" && i >= w.Replicas-2) || (w.Name == "metrics-server" && i == 1) {
					p := users[offSystem%len(users)]
					offSystem++
					return p.roundRobin()(i)
				}
				return next(i)
			}, running)
		}
	}
}

// finish sorts the plan into the order the API server lists it in and computes the expectations.
func (c *Cluster) finish() {
	key := func(p *PodPlan) string { return c.Workloads[p.Workload].Namespace + "/" + p.Name }
	slices.SortFunc(c.Pods, func(a, b PodPlan) int { return strings.Compare(key(&a), key(&b)) })
	slices.SortFunc(c.PDBs, func(a, b *PDBPlan) int { return strings.Compare(a.Namespace+"/"+a.Name, b.Namespace+"/"+b.Name) })
	nsAccounts := map[string]map[string]bool{}
	for _, w := range c.Workloads {
		if nsAccounts[w.Namespace] == nil {
			nsAccounts[w.Namespace] = map[string]bool{"default": true}
		}
		nsAccounts[w.Namespace][w.podSpec.ServiceAccountName] = true
	}
	for ns, sas := range nsAccounts {
		c.Namespaces = append(c.Namespaces, Namespace{Name: ns, ServiceAccounts: slices.Sorted(maps.Keys(sas))})
	}
	slices.SortFunc(c.Namespaces, func(a, b Namespace) int { return strings.Compare(a.Name, b.Name) })

	e := &c.Expect
	e.Nodes, e.Pods = len(c.Nodes), len(c.Pods)
	for _, n := range c.Nodes {
		if n.Pool.System {
			e.SystemNodes++
		}
		if n.NotReady {
			e.NotReadyNodes = append(e.NotReadyNodes, n.Name)
		}
	}
	for i := range c.Pods {
		p := &c.Pods[i]
		w := c.Workloads[p.Workload]
		id := w.Namespace + "/" + p.Name
		onSystem := p.Node >= 0 && c.Nodes[p.Node].Pool.System
		switch {
		case w.Namespace == metav1.NamespaceSystem && w.Kind != kindDaemonSet && p.Node >= 0 && !onSystem:
			e.KubeSystemOffSystem = append(e.KubeSystemOffSystem, id)
		case w.Namespace != metav1.NamespaceSystem && onSystem:
			e.OthersOnSystem = append(e.OthersOnSystem, id)
		}
		if p.State == Running {
			w.ready++
		}
		if p.Created.After(w.newestPod) {
			w.newestPod = p.Created
		}
		switch p.State {
		case CrashLooping:
			e.CrashLooping = append(e.CrashLooping, id)
		case Pending:
			e.Pending = append(e.Pending, id)
		}
	}
	for _, b := range c.PDBs {
		if b.MaxUnavailable == "0" {
			e.BlockingPDBs = append(e.BlockingPDBs, b.Namespace+"/"+b.Name)
		}
	}
}

// sortByKey sorts s by key, computing each key once.
func sortByKey[T any](s []T, key func(T) string) {
	keys := make(map[int]string, len(s))
	idx := make([]int, len(s))
	for i := range s {
		idx[i] = i
		keys[i] = key(s[i])
	}
	slices.SortFunc(idx, func(a, b int) int { return strings.Compare(keys[a], keys[b]) })
	sorted := make([]T, len(s))
	for i, j := range idx {
		sorted[i] = s[j]
	}
	copy(s, sorted)
}
