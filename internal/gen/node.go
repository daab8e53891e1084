package gen

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// Node builds node i of the plan as the API server returns it, with the labels AKS sets
// (research §8.1), the conditions node-problem-detector adds on AKS, and the image list the
// kubelet reports. Like Pod, the result may share memory with other results: do not modify it.
func (c *Cluster) Node(i int) *corev1.Node {
	return must(c.node(i, false))
}

// podCIDRSentinel stands for a node's pod CIDR while managed fields are computed per pool.
const podCIDRSentinel = "192.0.2.0/24"

func (c *Cluster) node(i int, sentinel bool) (*corev1.Node, error) {
	n := c.Nodes[i]
	p := n.Pool
	cidr := n.PodCIDR.String()
	if sentinel {
		cidr = podCIDRSentinel
	}
	mode := strings.ToLower(p.Mode())
	labels := map[string]string{
		"agentpool":                                               p.Name,
		"beta.kubernetes.io/arch":                                 p.Arch,
		"beta.kubernetes.io/instance-type":                        p.VMSize,
		"beta.kubernetes.io/os":                                   "linux",
		"failure-domain.beta.kubernetes.io/region":                c.Region,
		"failure-domain.beta.kubernetes.io/zone":                  n.Zone,
		"kubernetes.azure.com/agentpool":                          p.Name,
		"kubernetes.azure.com/azure-cni-overlay":                  "true",
		"kubernetes.azure.com/cluster":                            c.NodeResourceGroup,
		"kubernetes.azure.com/consolidated-additional-properties": c.uid(tagMisc, p.index, 900),
		"kubernetes.azure.com/kubelet-identity-client-id":         c.uid(tagMisc, 0, 901),
		"kubernetes.azure.com/mode":                               mode,
		"kubernetes.azure.com/network-name":                       "aks-vnet-" + c.Pools[0].vmssID,
		"kubernetes.azure.com/network-resourcegroup":              c.NodeResourceGroup,
		"kubernetes.azure.com/network-subnet":                     "aks-subnet",
		"kubernetes.azure.com/network-subscription":               c.SubscriptionID,
		"kubernetes.azure.com/node-image-version":                 p.NodeImage,
		"kubernetes.azure.com/nodenetwork-vnetguid":               c.uid(tagMisc, 0, 902),
		"kubernetes.azure.com/nodepool-type":                      "VirtualMachineScaleSets",
		"kubernetes.azure.com/os-sku":                             p.OSSKU,
		"kubernetes.azure.com/os-sku-effective":                   effectiveOSSKU(p),
		"kubernetes.azure.com/os-sku-requested":                   p.OSSKU,
		"kubernetes.azure.com/podnetwork-type":                    "overlay",
		"kubernetes.azure.com/role":                               "agent",
		"kubernetes.azure.com/sku-cpu":                            strconv.Itoa(p.VCPU),
		"kubernetes.azure.com/sku-memory":                         strconv.Itoa(p.MemoryGiB),
		"kubernetes.azure.com/storageprofile":                     "managed",
		"kubernetes.azure.com/storagetier":                        "Premium_LRS",
		"kubernetes.io/arch":                                      p.Arch,
		"kubernetes.io/hostname":                                  n.Name,
		"kubernetes.io/os":                                        "linux",
		"kubernetes.io/role":                                      "agent",
		"node-role.kubernetes.io/agent":                           "",
		"node.kubernetes.io/instance-type":                        p.VMSize,
		"storageprofile":                                          "managed",
		"storagetier":                                             "Premium_LRS",
		"topology.disk.csi.azure.com/zone":                        n.Zone,
		"topology.kubernetes.io/region":                           c.Region,
		"topology.kubernetes.io/zone":                             n.Zone,
	}
	if p.Zones == nil {
		// Non-zonal nodes carry no zone for the disk driver.
		labels["topology.disk.csi.azure.com/zone"] = ""
	}
	if p.Spot {
		labels["kubernetes.azure.com/scalesetpriority"] = "spot"
	}
	for k, v := range p.Labels {
		labels[k] = v
	}
	node := &corev1.Node{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Node"},
		ObjectMeta: metav1.ObjectMeta{
			Name:              n.Name,
			UID:               types.UID(c.uid(tagMisc, i, 800)),
			ResourceVersion:   c.resourceVersion(c.Now.Add(-time.Duration(i%40)*time.Second), i),
			CreationTimestamp: metav1.NewTime(n.Created),
			Labels:            labels,
			Annotations: map[string]string{
				"csi.volume.kubernetes.io/nodeid":                        fmt.Sprintf(`{"disk.csi.azure.com":"%s","file.csi.azure.com":"%s"}`, n.Name, n.Name),
				"node.alpha.kubernetes.io/ttl":                           "0",
				"volumes.kubernetes.io/controller-managed-attach-detach": "true",
			},
		},
		Spec: corev1.NodeSpec{
			PodCIDR:    cidr,
			PodCIDRs:   []string{cidr},
			ProviderID: fmt.Sprintf("azure:///subscriptions/%s/resourceGroups/%s/providers/Microsoft.Compute/virtualMachineScaleSets/aks-%s-%s-vmss/virtualMachines/%d", c.SubscriptionID, strings.ToLower(c.NodeResourceGroup), p.Name, p.vmssID, n.Instance),
		},
	}
	for _, t := range p.Taints {
		kv, effect, _ := strings.Cut(t, ":")
		k, v, _ := strings.Cut(kv, "=")
		node.Spec.Taints = append(node.Spec.Taints, corev1.Taint{Key: k, Value: v, Effect: corev1.TaintEffect(effect)})
	}
	if n.NotReady {
		// The node lifecycle controller taints a node whose kubelet stopped reporting.
		since := metav1.NewTime(c.Now.Add(-38 * time.Minute))
		node.Spec.Taints = append(node.Spec.Taints,
			corev1.Taint{Key: "node.kubernetes.io/unreachable", Effect: corev1.TaintEffectNoSchedule, TimeAdded: nil},
			corev1.Taint{Key: "node.kubernetes.io/unreachable", Effect: corev1.TaintEffectNoExecute, TimeAdded: &since})
	}
	node.Status = c.nodeStatus(n)
	if !sentinel && c.ManagedFields {
		mf, err := c.nodeManagedFields(i, node)
		if err != nil {
			return nil, err
		}
		node.ManagedFields = mf
	}
	return node, nil
}

func effectiveOSSKU(p *Pool) string {
	if p.OSSKU == "Ubuntu" {
		return "Ubuntu2204"
	}
	return "AzureLinux3"
}

func (c *Cluster) nodeStatus(n *NodePlan) corev1.NodeStatus {
	p := n.Pool
	mem := int64(p.MemoryGiB) << 30
	capacity := corev1.ResourceList{
		corev1.ResourceCPU:              *resource.NewQuantity(int64(p.VCPU), resource.DecimalSI),
		corev1.ResourceEphemeralStorage: resource.MustParse("129886128Ki"),
		"hugepages-1Gi":                 resource.MustParse("0"),
		"hugepages-2Mi":                 resource.MustParse("0"),
		corev1.ResourceMemory:           resource.MustParse(strconv.FormatInt(mem/1024-260000, 10) + "Ki"),
		corev1.ResourcePods:             *resource.NewQuantity(int64(p.MaxPods), resource.DecimalSI),
	}
	// AKS reserves CPU on a sliding scale and memory for the kubelet and eviction.
	allocatable := corev1.ResourceList{
		corev1.ResourceCPU:              resource.MustParse(strconv.Itoa(p.VCPU*1000-60-p.VCPU*10) + "m"),
		corev1.ResourceEphemeralStorage: resource.MustParse("119703055367"),
		"hugepages-1Gi":                 resource.MustParse("0"),
		"hugepages-2Mi":                 resource.MustParse("0"),
		corev1.ResourceMemory:           resource.MustParse(strconv.FormatInt(mem/1024*80/100, 10) + "Ki"),
		corev1.ResourcePods:             *resource.NewQuantity(int64(p.MaxPods), resource.DecimalSI),
	}
	heartbeat := metav1.NewTime(c.Now.Add(-time.Duration(5+n.Instance%50) * time.Second))
	since := metav1.NewTime(n.Created.Add(40 * time.Second))
	npd := func(t, reason, msg string) corev1.NodeCondition {
		return corev1.NodeCondition{Type: corev1.NodeConditionType(t), Status: corev1.ConditionFalse, Reason: reason, Message: msg,
			LastHeartbeatTime: heartbeat, LastTransitionTime: since}
	}
	conds := []corev1.NodeCondition{
		npd("KernelDeadlock", "KernelHasNoDeadlock", "kernel has no deadlock"),
		npd("FrequentUnregisterNetDevice", "NoFrequentUnregisterNetDevice", "node is functioning properly"),
		npd("FilesystemCorruptionProblem", "FilesystemIsOK", "Filesystem is healthy"),
		npd("FrequentKubeletRestart", "NoFrequentKubeletRestart", "kubelet is functioning properly"),
		npd("FrequentDockerRestart", "NoFrequentDockerRestart", "docker is functioning properly"),
		npd("FrequentContainerdRestart", "NoFrequentContainerdRestart", "containerd is functioning properly"),
		npd("ContainerRuntimeProblem", "ContainerRuntimeIsUp", "container runtime service is up"),
		npd("KubeletProblem", "KubeletIsUp", "kubelet service is up"),
		npd("ReadonlyFilesystem", "FilesystemIsNotReadOnly", "Filesystem is not read-only"),
		npd("VMEventScheduled", "NoVMEventScheduled", "VM has no scheduled event"),
		npd("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
		npd("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
		npd("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
		{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady", Message: "kubelet is posting ready status",
			LastHeartbeatTime: heartbeat, LastTransitionTime: metav1.NewTime(n.Created.Add(25 * time.Second))},
	}
	if n.NotReady {
		lost := metav1.NewTime(c.Now.Add(-38 * time.Minute))
		for i := len(conds) - 4; i < len(conds); i++ {
			conds[i].Status, conds[i].Reason, conds[i].Message = corev1.ConditionUnknown, "NodeStatusUnknown", "Kubelet stopped posting node status."
			conds[i].LastHeartbeatTime, conds[i].LastTransitionTime = metav1.NewTime(lost.Add(-40*time.Second)), lost
		}
	}
	k := c.key(tagBoot, n.Instance, p.index)
	return corev1.NodeStatus{
		Capacity:        capacity,
		Allocatable:     allocatable,
		Conditions:      conds,
		Addresses:       []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: n.IP.String()}, {Type: corev1.NodeHostName, Address: n.Name}},
		DaemonEndpoints: corev1.NodeDaemonEndpoints{KubeletEndpoint: corev1.DaemonEndpoint{Port: 10250}},
		NodeInfo: corev1.NodeSystemInfo{
			MachineID: hex64(k)[:32], SystemUUID: uuid(k, mix(k+1)), BootID: uuid(mix(k+2), mix(k+3)),
			KernelVersion: kernel(p), OSImage: osImage(p), ContainerRuntimeVersion: "containerd://2.0.6",
			KubeletVersion: "v" + c.KubernetesVersion, OperatingSystem: "linux", Architecture: p.Arch,
		},
		Images:          c.images,
		RuntimeHandlers: []corev1.NodeRuntimeHandler{{Name: "runc", Features: &corev1.NodeRuntimeHandlerFeatures{RecursiveReadOnlyMounts: ptr(true), UserNamespaces: ptr(true)}}, {Name: "", Features: &corev1.NodeRuntimeHandlerFeatures{RecursiveReadOnlyMounts: ptr(true), UserNamespaces: ptr(true)}}},
		Features:        &corev1.NodeFeatures{SupplementalGroupsPolicy: ptr(true)},
	}
}

func kernel(p *Pool) string {
	if p.OSSKU == "Ubuntu" {
		return "5.15.0-1092-azure"
	}
	return "6.6.104.2-4.azl3"
}

func osImage(p *Pool) string {
	if p.OSSKU == "Ubuntu" {
		return "Ubuntu 22.04.5 LTS"
	}
	return "Microsoft Azure Linux 3.0"
}

// nodeImages is the image list the kubelet reports: AKS pre-pulls its add-on images into the node
// image, so every node reports about the same list.
func (c *Cluster) nodeImages() []corev1.ContainerImage {
	var imgs []corev1.ContainerImage
	seen := map[string]bool{}
	for _, a := range append(append([]addon(nil), systemDeployments...), daemonSets...) {
		s := a.spec(c)
		for _, ct := range append(s.InitContainers, s.Containers...) {
			if seen[ct.Image] {
				continue
			}
			seen[ct.Image] = true
			imgs = append(imgs, corev1.ContainerImage{Names: []string{imageID(ct.Image), ct.Image},
				SizeBytes: int64(20_000_000 + mix(uint64(len(ct.Image)))%180_000_000)})
		}
	}
	return imgs
}
