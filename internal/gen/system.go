package gen

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The kube-system Deployments of an AKS Standard cluster with the monitoring add-on (research
// §8.3). Images, arguments and resources follow the AKS manifests as they appear in clusters; the
// point is realistic shape and size, not a byte-exact copy of one AKS release.

// addon describes one kube-system workload: its name and kind, how many pods it runs, and its pod
// template.
type addon struct {
	name     string
	kind     string
	replicas func(nodes int) int // Deployments only; DaemonSets run one pod per node
	// labels are the controller's labels; the selector is selector, the pod labels add podLabels.
	selector  map[string]string
	podLabels map[string]string
	// annotations go on the pod template.
	annotations map[string]string
	spec        func(c *Cluster) corev1.PodSpec
}

// aksLabels are the labels AKS puts on its add-on controllers besides their selector.
func aksLabels(sel map[string]string, extra ...string) map[string]string {
	l := map[string]string{
		"addonmanager.kubernetes.io/mode": "Reconcile",
		"kubernetes.azure.com/managedby":  "aks",
	}
	for k, v := range sel {
		l[k] = v
	}
	for i := 0; i+1 < len(extra); i += 2 {
		l[extra[i]] = extra[i+1]
	}
	return l
}

func fixed(n int) func(int) int { return func(int) int { return n } }

var systemDeployments = []addon{
	{
		name: "coredns", kind: kindDeployment, replicas: corednsReplicas,
		selector:    map[string]string{"k8s-app": "kube-dns", "version": "v20"},
		podLabels:   map[string]string{"kubernetes.azure.com/managedby": "aks"},
		annotations: map[string]string{"prometheus.io/port": "9153"},
		spec: func(c *Cluster) corev1.PodSpec {
			return corev1.PodSpec{
				Containers: []corev1.Container{{
					Name: "coredns", Image: "mcr.microsoft.com/oss/v2/kubernetes/coredns:v1.12.1-3",
					Args: []string{"-conf", "/etc/coredns/Corefile"},
					Ports: []corev1.ContainerPort{port("dns", 53, corev1.ProtocolUDP), port("dns-tcp", 53, corev1.ProtocolTCP),
						port("metrics", 9153, corev1.ProtocolTCP)},
					LivenessProbe:  timing(httpProbe("/health", 8080, false), 60, 10, 5, 5),
					ReadinessProbe: timing(httpProbe("/ready", 8181, false), 0, 10, 1, 3),
					Resources:      resources("cpu=100m,memory=70Mi", "memory=500Mi"),
					SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr(false), ReadOnlyRootFilesystem: ptr(true),
						Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"NET_BIND_SERVICE"}, Drop: []corev1.Capability{"all"}},
						ProcMount:    ptr(corev1.DefaultProcMount)},
					VolumeMounts: []corev1.VolumeMount{mount("config-volume", "/etc/coredns", true),
						mount("custom-config-volume", "/etc/coredns/custom", true), mount("tmp", "/tmp", false)},
				}},
				DNSPolicy:          corev1.DNSDefault,
				PriorityClassName:  "system-node-critical",
				ServiceAccountName: "coredns",
				NodeSelector:       map[string]string{"kubernetes.io/os": "linux"},
				Affinity: &corev1.Affinity{NodeAffinity: aksNodeAffinity(true),
					PodAntiAffinity: spreadAntiAffinity(map[string]string{"k8s-app": "kube-dns"})},
				TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone",
					WhenUnsatisfiable: corev1.ScheduleAnyway, LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"k8s-app": "kube-dns"}}}},
				Tolerations: []corev1.Toleration{tolerateCriticalAddons},
				Volumes: []corev1.Volume{
					withItems(configMapVolume("config-volume", "coredns", false), "Corefile", "Corefile"),
					configMapVolume("custom-config-volume", "coredns-custom", true),
					emptyDirVolume("tmp"),
				},
			}
		},
	},
	{
		name: "coredns-autoscaler", kind: kindDeployment, replicas: fixed(1),
		selector:  map[string]string{"k8s-app": "coredns-autoscaler"},
		podLabels: map[string]string{"kubernetes.azure.com/managedby": "aks"},
		spec: func(c *Cluster) corev1.PodSpec {
			return corev1.PodSpec{
				Containers: []corev1.Container{{
					Name: "autoscaler", Image: "mcr.microsoft.com/oss/v2/kubernetes/autoscaler/cluster-proportional-autoscaler:v1.9.0-2",
					Command: []string{"/cluster-proportional-autoscaler", "--namespace=kube-system", "--configmap=coredns-autoscaler",
						"--target=deployment/coredns",
						`--default-params={"linear":{"coresPerReplica":512,"nodesPerReplica":16,"min":2,"preventSinglePointFailure":true}}`,
						"--nodelabels=kubernetes.azure.com/mode=system", "--logtostderr=true", "--v=2"},
					Resources: resources("cpu=20m,memory=10Mi", "memory=500Mi"),
					SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr(false), ReadOnlyRootFilesystem: ptr(true),
						RunAsNonRoot: ptr(true), RunAsUser: ptr(int64(65534))},
				}},
				PriorityClassName:  "system-cluster-critical",
				ServiceAccountName: "coredns-autoscaler",
				NodeSelector:       map[string]string{"kubernetes.io/os": "linux"},
				Affinity:           &corev1.Affinity{NodeAffinity: aksNodeAffinity(true)},
				Tolerations:        []corev1.Toleration{tolerateCriticalAddons},
			}
		},
	},
	{
		name: "konnectivity-agent", kind: kindDeployment, replicas: fixed(2),
		selector:  map[string]string{"app": "konnectivity-agent"},
		podLabels: map[string]string{"component": "tunnel", "kubernetes.azure.com/managedby": "aks"},
		annotations: map[string]string{"checksum/azure-config": "3f1a8c0d2e", "checksum/configmap": "9b7e66c1a4",
			"checksum/secret": "e04d1fa7b2"},
		spec: func(c *Cluster) corev1.PodSpec {
			return corev1.PodSpec{
				Containers: []corev1.Container{{
					Name: "konnectivity-agent", Image: "mcr.microsoft.com/oss/v2/kubernetes/apiserver-network-proxy/agent:v0.31.2-2",
					Command: []string{"/proxy-agent"},
					Args: []string{"--logtostderr=true", "--ca-cert=/ca/ca.crt", "--proxy-server-host=" + c.FQDN,
						"--proxy-server-port=443", "--service-account-token-path=/var/run/secrets/tokens/konnectivity-agent-token",
						"--agent-identifiers=ipv4=$(POD_IP)", "--sync-forever=true", "--sync-interval-cap=30s",
						"--health-server-port=8082", "--admin-server-port=8092", "--keepalive-time=30s"},
					Env:            []corev1.EnvVar{envField("POD_IP", "status.podIP")},
					Ports:          []corev1.ContainerPort{port("health", 8082, ""), port("admin", 8092, "")},
					LivenessProbe:  timing(httpProbe("/healthz", 8082, false), 15, 10, 15, 3),
					ReadinessProbe: timing(httpProbe("/readyz", 8082, false), 15, 10, 15, 3),
					Resources:      resources("cpu=20m,memory=50Mi", "memory=1Gi"),
					VolumeMounts: []corev1.VolumeMount{mount("konnectivity-agent-token", "/var/run/secrets/tokens", true),
						mount("ca", "/ca", true)},
				}},
				PriorityClassName:  "system-cluster-critical",
				ServiceAccountName: "konnectivity-agent",
				NodeSelector:       map[string]string{"kubernetes.io/os": "linux"},
				Affinity: &corev1.Affinity{NodeAffinity: aksNodeAffinity(true),
					PodAntiAffinity: spreadAntiAffinity(map[string]string{"app": "konnectivity-agent"})},
				Tolerations: []corev1.Toleration{tolerateCriticalAddons},
				Volumes: []corev1.Volume{
					tokenVolume("konnectivity-agent-token", "system:konnectivity-server", "konnectivity-agent-token", 3600),
					secretVolume("ca", "konnectivity-ca"),
				},
			}
		},
	},
	{
		name: "metrics-server", kind: kindDeployment, replicas: fixed(2),
		selector:  map[string]string{"k8s-app": "metrics-server"},
		podLabels: map[string]string{"kubernetes.azure.com/managedby": "aks"},
		spec: func(c *Cluster) corev1.PodSpec {
			return corev1.PodSpec{
				Containers: []corev1.Container{
					{
						Name: "metrics-server", Image: "mcr.microsoft.com/oss/v2/kubernetes/metrics-server:v0.7.2-6",
						Command: []string{"/metrics-server", "--kubelet-insecure-tls", "--kubelet-preferred-address-types=InternalIP",
							"--cert-dir=/tmp", "--secure-port=4443", "--metric-resolution=15s", "--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"},
						Ports:          []corev1.ContainerPort{port("https", 4443, corev1.ProtocolTCP)},
						LivenessProbe:  timing(httpProbe("/livez", 4443, true), 0, 10, 1, 3),
						ReadinessProbe: timing(httpProbe("/readyz", 4443, true), 20, 10, 1, 3),
						Resources:      resources("cpu=150m,memory=100Mi", "cpu=1,memory=1Gi"),
						SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr(false), ReadOnlyRootFilesystem: ptr(true),
							RunAsNonRoot: ptr(true), RunAsUser: ptr(int64(1000)),
							Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}},
						VolumeMounts: []corev1.VolumeMount{mount("tmp-dir", "/tmp", false)},
					},
					{
						Name: "metrics-server-vpa", Image: "mcr.microsoft.com/oss/v2/kubernetes/autoscaler/addon-resizer:v1.8.23-2",
						Command: []string{"/pod_nanny", "--config-dir=/etc/config", "--cpu=150m", "--extra-cpu=0.5m", "--memory=100Mi",
							"--extra-memory=4Mi", "--poll-period=180000", "--threshold=5", "--deployment=metrics-server",
							"--container=metrics-server"},
						Env:       []corev1.EnvVar{envField("MY_POD_NAME", "metadata.name"), envField("MY_POD_NAMESPACE", "metadata.namespace")},
						Resources: resources("cpu=5m,memory=25Mi", "cpu=100m,memory=300Mi"),
						SecurityContext: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr(false), ReadOnlyRootFilesystem: ptr(true),
							RunAsNonRoot: ptr(true), RunAsUser: ptr(int64(1000))},
						VolumeMounts: []corev1.VolumeMount{mount("metrics-server-config-volume", "/etc/config", false)},
					},
				},
				PriorityClassName:  "system-cluster-critical",
				ServiceAccountName: "metrics-server",
				NodeSelector:       map[string]string{"kubernetes.io/os": "linux"},
				Affinity: &corev1.Affinity{NodeAffinity: aksNodeAffinity(true),
					PodAntiAffinity: spreadAntiAffinity(map[string]string{"k8s-app": "metrics-server"})},
				Tolerations: []corev1.Toleration{tolerateCriticalAddons},
				Volumes: []corev1.Volume{emptyDirVolume("tmp-dir"),
					configMapVolume("metrics-server-config-volume", "metrics-server-config", false)},
			}
		},
	},
	{
		name: "ama-logs-rs", kind: kindDeployment, replicas: fixed(1),
		selector:  map[string]string{"rsName": "ama-logs-rs"},
		podLabels: map[string]string{"kubernetes.azure.com/managedby": "aks"},
		annotations: map[string]string{"agentVersion": "azure-mdsd-1.37.0", "dockerProviderVersion": "18.0.1-0",
			"schema-versions": "v1"},
		spec: func(c *Cluster) corev1.PodSpec {
			ct := amaLogsContainer(c, "ama-logs", true)
			ct.Ports = []corev1.ContainerPort{port("", 25225, corev1.ProtocolTCP), port("", 25224, corev1.ProtocolUDP)}
			return corev1.PodSpec{
				Containers:         []corev1.Container{ct},
				PriorityClassName:  "system-cluster-critical",
				ServiceAccountName: "ama-logs",
				NodeSelector:       map[string]string{"kubernetes.io/os": "linux"},
				Affinity:           &corev1.Affinity{NodeAffinity: aksNodeAffinity(true)},
				Tolerations:        []corev1.Toleration{tolerateCriticalAddons},
				Volumes:            amaLogsVolumes(true),
			}
		},
	},
}

// systemDeploymentPods is how many pods the kube-system Deployments run on a cluster of nodes nodes.
func systemDeploymentPods(nodes int) int {
	n := 0
	for _, a := range systemDeployments {
		n += a.replicas(nodes)
	}
	return n
}

func withItems(v corev1.Volume, key, path string) corev1.Volume {
	v.ConfigMap.Items = append(v.ConfigMap.Items, corev1.KeyToPath{Key: key, Path: path})
	return v
}

// spreadAntiAffinity prefers one replica per node, then per zone.
func spreadAntiAffinity(sel map[string]string) *corev1.PodAntiAffinity {
	term := func(weight int32, key string) corev1.WeightedPodAffinityTerm {
		return corev1.WeightedPodAffinityTerm{Weight: weight, PodAffinityTerm: corev1.PodAffinityTerm{
			LabelSelector: &metav1.LabelSelector{MatchLabels: sel}, TopologyKey: key}}
	}
	return &corev1.PodAntiAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{
		term(100, "kubernetes.io/hostname"), term(10, "topology.kubernetes.io/zone")}}
}
