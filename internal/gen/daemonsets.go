package gen

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"
)

// The kube-system DaemonSets of an AKS cluster with Azure CNI Overlay, the disk and file CSI drivers
// and the monitoring add-on: one pod of each on every node (research §8.3).

var daemonSets = []addon{
	{
		name: "kube-proxy", kind: kindDaemonSet,
		selector:  map[string]string{"component": "kube-proxy", "tier": "node"},
		podLabels: map[string]string{"kubernetes.azure.com/managedby": "aks"},
		spec: func(c *Cluster) corev1.PodSpec {
			return corev1.PodSpec{
				HostNetwork: true,
				Containers: []corev1.Container{{
					Name: "kube-proxy", Image: "mcr.microsoft.com/oss/v2/kubernetes/kube-proxy:v" + c.KubernetesVersion + "-1",
					Command: []string{"kube-proxy", "--conntrack-max-per-core=0", "--metrics-bind-address=0.0.0.0:10249",
						"--cluster-cidr=" + podCIDR, "--kubeconfig=/var/lib/kubelet/kubeconfig", "--v=3"},
					Resources:       resources("cpu=100m", ""),
					SecurityContext: &corev1.SecurityContext{Privileged: ptr(true)},
					VolumeMounts: []corev1.VolumeMount{mount("kubeconfig", "/var/lib/kubelet", true),
						mount("iptableslock", "/run/xtables.lock", false), mount("modules", "/lib/modules", true)},
				}},
				PriorityClassName:  "system-node-critical",
				ServiceAccountName: "kube-proxy",
				NodeSelector:       map[string]string{"kubernetes.io/os": "linux"},
				Affinity:           &corev1.Affinity{NodeAffinity: aksNodeAffinity(false)},
				Tolerations:        []corev1.Toleration{tolerateEverything},
				Volumes: []corev1.Volume{
					hostPathVolume("kubeconfig", "/var/lib/kubelet", corev1.HostPathDirectory),
					hostPathVolume("iptableslock", "/run/xtables.lock", corev1.HostPathFileOrCreate),
					hostPathVolume("modules", "/lib/modules", corev1.HostPathDirectory),
				},
			}
		},
	},
	{
		name: "azure-cns", kind: kindDaemonSet,
		selector:    map[string]string{"k8s-app": "azure-cns"},
		podLabels:   map[string]string{"kubernetes.azure.com/managedby": "aks"},
		annotations: map[string]string{"cluster-autoscaler.kubernetes.io/daemonset-pod": "true"},
		spec: func(c *Cluster) corev1.PodSpec {
			return corev1.PodSpec{
				HostNetwork: true,
				Containers: []corev1.Container{{
					Name: "cns-container", Image: "mcr.microsoft.com/containernetworking/azure-cns:v1.6.35",
					Args: []string{"-c", "tcp://$(CNSIpAddress):$(CNSPort)", "-t", "$(CNSLogTarget)", "-o", "$(CNSLogDir)",
						"--config-path=/etc/azure-cns/cns_config.json"},
					Env:             []corev1.EnvVar{env("CNSIpAddress", "127.0.0.1"), env("CNSPort", "10090"), envField("NODENAME", "spec.nodeName")},
					Ports:           []corev1.ContainerPort{port("api", 10090, "")},
					Resources:       resources("cpu=40m,memory=250Mi", "cpu=40m,memory=250Mi"),
					SecurityContext: &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"NET_ADMIN"}}},
					VolumeMounts: []corev1.VolumeMount{mount("log", "/var/log", false), mount("cns-state", "/var/lib/azure-network", false),
						mount("azure-endpoints", "/var/run/azure-cns/", false), mount("cns-config", "/etc/azure-cns", false)},
				}},
				PriorityClassName:  "system-node-critical",
				ServiceAccountName: "azure-cns",
				NodeSelector:       map[string]string{"kubernetes.io/os": "linux"},
				Affinity:           &corev1.Affinity{NodeAffinity: aksNodeAffinity(false)},
				Tolerations:        []corev1.Toleration{tolerateEverything},
				Volumes: []corev1.Volume{
					hostPathVolume("log", "/var/log", corev1.HostPathDirectory),
					hostPathVolume("cns-state", "/var/lib/azure-network", corev1.HostPathDirectoryOrCreate),
					hostPathVolume("azure-endpoints", "/var/run/azure-cns/", corev1.HostPathDirectoryOrCreate),
					configMapVolume("cns-config", "cns-config", false),
				},
			}
		},
	},
	{
		name: "azure-ip-masq-agent", kind: kindDaemonSet,
		selector:  map[string]string{"k8s-app": "azure-ip-masq-agent", "tier": "node"},
		podLabels: map[string]string{"kubernetes.azure.com/managedby": "aks"},
		spec: func(c *Cluster) corev1.PodSpec {
			return corev1.PodSpec{
				HostNetwork: true,
				Containers: []corev1.Container{{
					Name: "azure-ip-masq-agent", Image: "mcr.microsoft.com/aks/ip-masq-agent-v2:v0.1.15-2",
					Args:      []string{"--v=2", "--resync-interval=60"},
					Resources: resources("cpu=100m,memory=50Mi", "cpu=500m,memory=250Mi"),
					SecurityContext: &corev1.SecurityContext{Privileged: ptr(false),
						Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"NET_ADMIN", "NET_RAW"}}},
					VolumeMounts: []corev1.VolumeMount{mount("azure-ip-masq-agent-config-volume", "/etc/config", true),
						mount("iptableslock", "/run/xtables.lock", false)},
				}},
				PriorityClassName: "system-node-critical",
				NodeSelector:      map[string]string{"kubernetes.io/os": "linux"},
				Affinity:          &corev1.Affinity{NodeAffinity: aksNodeAffinity(false)},
				Tolerations:       []corev1.Toleration{tolerateEverything},
				Volumes: []corev1.Volume{
					{Name: "azure-ip-masq-agent-config-volume", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{
						Sources: []corev1.VolumeProjection{
							{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "azure-ip-masq-agent-config-reconciled"}, Optional: ptr(true)}},
						}}}},
					hostPathVolume("iptableslock", "/run/xtables.lock", corev1.HostPathFileOrCreate),
				},
			}
		},
	},
	{
		name: "cloud-node-manager", kind: kindDaemonSet,
		selector:  map[string]string{"k8s-app": "cloud-node-manager"},
		podLabels: map[string]string{"kubernetes.azure.com/managedby": "aks"},
		spec: func(c *Cluster) corev1.PodSpec {
			return corev1.PodSpec{
				HostNetwork: true,
				Containers: []corev1.Container{{
					Name: "cloud-node-manager", Image: "mcr.microsoft.com/oss/kubernetes/azure-cloud-node-manager:v" + c.KubernetesVersion,
					Command:   []string{"cloud-node-manager", "--node-name=$(NODE_NAME)", "--wait-routes=false", "--v=2"},
					Env:       []corev1.EnvVar{envField("NODE_NAME", "spec.nodeName")},
					Resources: resources("cpu=50m,memory=50Mi", "cpu=2,memory=512Mi"),
				}},
				PriorityClassName:  "system-node-critical",
				ServiceAccountName: "cloud-node-manager",
				NodeSelector:       map[string]string{"kubernetes.io/os": "linux"},
				Affinity:           &corev1.Affinity{NodeAffinity: aksNodeAffinity(false)},
				Tolerations:        []corev1.Toleration{tolerateEverything},
			}
		},
	},
	csiNode("csi-azuredisk-node", "disk.csi.azure.com", "azuredisk", "mcr.microsoft.com/oss/v2/kubernetes-csi/azuredisk-csi:v1.33.4", 29603, 29605),
	csiNode("csi-azurefile-node", "file.csi.azure.com", "azurefile", "mcr.microsoft.com/oss/v2/kubernetes-csi/azurefile-csi:v1.33.3", 29613, 29615),
	{
		name: "ama-logs", kind: kindDaemonSet,
		selector:  map[string]string{"dsName": "ama-logs-ds"},
		podLabels: map[string]string{"kubernetes.azure.com/managedby": "aks"},
		annotations: map[string]string{"agentVersion": "azure-mdsd-1.37.0", "dockerProviderVersion": "18.0.1-0",
			"schema-versions": "v1"},
		spec: func(c *Cluster) corev1.PodSpec {
			return corev1.PodSpec{
				Containers:         []corev1.Container{amaLogsContainer(c, "ama-logs", false)},
				PriorityClassName:  "system-node-critical",
				ServiceAccountName: "ama-logs",
				NodeSelector:       map[string]string{"kubernetes.io/os": "linux"},
				Affinity:           &corev1.Affinity{NodeAffinity: aksNodeAffinity(false)},
				Tolerations:        []corev1.Toleration{tolerateEverything},
				Volumes:            amaLogsVolumes(false),
			}
		},
	},
}

func csiNode(name, driver, short, image string, healthPort, metricsPort int32) addon {
	return addon{
		name: name, kind: kindDaemonSet,
		selector:  map[string]string{"app": name},
		podLabels: map[string]string{"kubernetes.azure.com/managedby": "aks"},
		spec: func(c *Cluster) corev1.PodSpec {
			sock := "/csi/csi.sock"
			return corev1.PodSpec{
				HostNetwork: true,
				Containers: []corev1.Container{
					{
						Name: "liveness-probe", Image: "mcr.microsoft.com/oss/v2/kubernetes-csi/livenessprobe:v2.15.0-2",
						Args:         []string{"--csi-address=" + sock, "--http-endpoint=localhost:" + strconv.Itoa(int(healthPort))},
						Resources:    resources("cpu=10m,memory=20Mi", "memory=100Mi"),
						VolumeMounts: []corev1.VolumeMount{mount("socket-dir", "/csi", false)},
					},
					{
						Name: "node-driver-registrar", Image: "mcr.microsoft.com/oss/v2/kubernetes-csi/csi-node-driver-registrar:v2.13.0-2",
						Args:         []string{"--csi-address=" + sock, "--kubelet-registration-path=/var/lib/kubelet/plugins/" + driver + "/csi.sock"},
						Resources:    resources("cpu=10m,memory=20Mi", "memory=100Mi"),
						VolumeMounts: []corev1.VolumeMount{mount("socket-dir", "/csi", false), mount("registration-dir", "/registration", false)},
					},
					{
						Name: short, Image: image,
						Args:            []string{"--endpoint=unix://" + sock, "--nodeid=$(KUBE_NODE_NAME)", "--metrics-address=0.0.0.0:" + strconv.Itoa(int(metricsPort))},
						Env:             []corev1.EnvVar{envField("KUBE_NODE_NAME", "spec.nodeName")},
						Ports:           []corev1.ContainerPort{port("healthz", healthPort, corev1.ProtocolTCP)},
						LivenessProbe:   timing(httpProbe("/healthz", int(healthPort), false), 30, 30, 10, 5),
						Resources:       resources("cpu=10m,memory=20Mi", "memory=400Mi"),
						SecurityContext: &corev1.SecurityContext{Privileged: ptr(true)},
						VolumeMounts: []corev1.VolumeMount{mount("socket-dir", "/csi", false),
							{Name: "mountpoint-dir", MountPath: "/var/lib/kubelet/", MountPropagation: ptr(corev1.MountPropagationBidirectional)},
							mount("device-dir", "/dev", false)},
					},
				},
				PriorityClassName:  "system-node-critical",
				ServiceAccountName: name + "-sa",
				NodeSelector:       map[string]string{"kubernetes.io/os": "linux"},
				Affinity:           &corev1.Affinity{NodeAffinity: aksNodeAffinity(false)},
				Tolerations:        []corev1.Toleration{tolerateEverything},
				Volumes: []corev1.Volume{
					hostPathVolume("socket-dir", "/var/lib/kubelet/plugins/"+driver, corev1.HostPathDirectoryOrCreate),
					hostPathVolume("mountpoint-dir", "/var/lib/kubelet/", corev1.HostPathDirectoryOrCreate),
					hostPathVolume("registration-dir", "/var/lib/kubelet/plugins_registry/", corev1.HostPathDirectoryOrCreate),
					hostPathVolume("device-dir", "/dev", corev1.HostPathDirectory),
				},
			}
		},
	}
}

// amaLogsContainer is the Container Insights agent; the replica-set flavour (rs) collects
// cluster-wide data, the DaemonSet one node data.
func amaLogsContainer(c *Cluster, name string, rs bool) corev1.Container {
	ctype := "DaemonSet"
	if rs {
		ctype = "ReplicaSet"
	}
	return corev1.Container{
		Name: name, Image: "mcr.microsoft.com/azuremonitor/containerinsights/ciprod:3.1.29",
		Env: []corev1.EnvVar{
			env("AKS_CLUSTER_NAME", c.Name), env("AKS_RESOURCE_ID", c.ID), env("AKS_REGION", c.Region),
			env("CONTROLLER_TYPE", ctype), envField("NODE_NAME", "spec.nodeName"), envField("NODE_IP", "status.hostIP"),
		},
		Resources:       resources("cpu=150m,memory=550Mi", "cpu=500m,memory=1750Mi"),
		SecurityContext: &corev1.SecurityContext{Privileged: ptr(true)},
		LivenessProbe:   timing(execProbe("/bin/bash", "-c", "/opt/livenessprobe.sh"), 60, 60, 15, 3),
		VolumeMounts: []corev1.VolumeMount{mount("host-log", "/var/log", false), mount("containerlog-path", "/var/lib/docker/containers", false),
			mount("ama-logs-secret", "/etc/ama-logs-secret", true), mount("settings-vol-config", "/etc/config/settings", true)},
	}
}

func amaLogsVolumes(rs bool) []corev1.Volume {
	return []corev1.Volume{
		hostPathVolume("host-log", "/var/log", ""),
		hostPathVolume("containerlog-path", "/var/lib/docker/containers", ""),
		secretVolume("ama-logs-secret", "ama-logs-secret"),
		configMapVolume("settings-vol-config", "container-azm-ms-agentconfig", true),
	}
}
