package gen

import (
	"math/rand/v2"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// A flavor is one kind of app workload. The field paths of everything a flavor builds (container
// names, env var names, ports, volume names, label and annotation keys) depend only on the flavor
// and the appOptions flags, never on the workload: the managed-fields cache relies on that
// (TestManagedFieldsCache checks it). Values (images, sizes, names in values) vary freely.
type flavor struct {
	name   string
	kind   string
	weight int
	build  func(c *Cluster, w *Workload, a appOptions)
}

type appOptions struct {
	pinned      bool // nodeSelector on the pool
	identity    bool // Azure Workload Identity: the webhook adds env, a token volume and a mount
	tolerateAll bool
	// noToken opts out of the API token (automountServiceAccountToken: false), as Azure Policy's
	// "Kubernetes clusters should disable automounting API credentials" asks of pods that never
	// call the API server.
	noToken bool
	version string
	cpu     string
	memMi   int
}

var flavors = []*flavor{
	{name: "web", kind: kindDeployment, weight: 40, build: buildWeb},
	{name: "api", kind: kindDeployment, weight: 25, build: buildAPI},
	{name: "worker", kind: kindDeployment, weight: 20, build: buildWorker},
	{name: "cache", kind: kindStatefulSet, weight: 8, build: buildCache},
	{name: "job", kind: kindJob, weight: 7, build: buildJob},
}

func pickFlavor(r *rand.Rand) *flavor {
	x := r.IntN(100)
	for _, f := range flavors {
		if x < f.weight {
			return f
		}
		x -= f.weight
	}
	return flavors[0]
}

const registry = "crplatformprod.azurecr.io"

// appTemplate sets what every app workload shares: labels, selector, scheduling, service account
// and the workload identity additions.
func appTemplate(c *Cluster, w *Workload, a appOptions, spec corev1.PodSpec, annotations map[string]string) {
	w.Selector = map[string]string{"app.kubernetes.io/name": w.Name, "app.kubernetes.io/instance": w.Name}
	w.Labels = map[string]string{"app.kubernetes.io/name": w.Name, "app.kubernetes.io/instance": w.Name,
		"app.kubernetes.io/version": a.version, "app.kubernetes.io/managed-by": "Helm", "helm.sh/chart": w.Name + "-" + a.version}
	labels := map[string]string{"app": w.Name, "app.kubernetes.io/name": w.Name, "app.kubernetes.io/instance": w.Name}
	if a.identity {
		labels["azure.workload.identity/use"] = "true"
		spec.ServiceAccountName = w.Name
		for i := range spec.Containers {
			ct := &spec.Containers[i]
			ct.Env = append(ct.Env, env("AZURE_CLIENT_ID", uuid(uint64(len(w.Name)), uint64(w.Created.Unix()))),
				env("AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47"),
				env("AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/azure/tokens/azure-identity-token"),
				env("AZURE_AUTHORITY_HOST", "https://login.microsoftonline.com/"))
			ct.VolumeMounts = append(ct.VolumeMounts, mount("azure-identity-token", "/var/run/secrets/azure/tokens", true))
		}
		spec.Volumes = append(spec.Volumes, tokenVolume("azure-identity-token", "api://AzureADTokenExchange", "azure-identity-token", 3600))
	}
	if a.noToken {
		spec.AutomountServiceAccountToken = ptr(false)
	}
	if a.pinned {
		spec.NodeSelector = map[string]string{"kubernetes.azure.com/agentpool": w.Pool.Name}
	}
	switch {
	case a.tolerateAll:
		spec.Tolerations = []corev1.Toleration{tolerateEverything}
	case w.Pool.Spot:
		spec.Tolerations = []corev1.Toleration{tolerateSpot}
	}
	w.Template = corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: labels, Annotations: annotations}, Spec: spec}
}

func image(w *Workload, a appOptions) string {
	return registry + "/" + w.Namespace + "/" + w.Name + ":" + a.version
}

// appResources returns the requirements for a's sizes. The few distinct lists are shared between
// workloads (read-only, like everything the plan holds): a plan of 20,000 workloads would
// otherwise spend a sixth of its memory on identical maps of quantities.
func appResources(c *Cluster, a appOptions) corev1.ResourceRequirements {
	key := a.cpu + "/" + strconv.Itoa(a.memMi)
	if r, ok := c.resources[key]; ok {
		return r
	}
	if c.resources == nil {
		c.resources = map[string]corev1.ResourceRequirements{}
	}
	r := resources("cpu="+a.cpu+",memory="+strconv.Itoa(a.memMi)+"Mi", "memory="+strconv.Itoa(a.memMi*2)+"Mi")
	c.resources[key] = r
	return r
}

// The flavors are lean on purpose: a capture's size per pod is what the benchmarks measure, and
// these land where real application pods do (TestPodSize). The kube-system pods carry the bulk.

func buildWeb(c *Cluster, w *Workload, a appOptions) {
	ct := corev1.Container{
		Name: "app", Image: image(w, a),
		Ports:          []corev1.ContainerPort{port("http", 8080, corev1.ProtocolTCP)},
		Env:            []corev1.EnvVar{env("ASPNETCORE_URLS", "http://+:8080"), env("LOG_LEVEL", "Information")},
		LivenessProbe:  timing(httpProbe("/healthz", 8080, false), 10, 10, 2, 3),
		ReadinessProbe: timing(httpProbe("/ready", 8080, false), 5, 5, 2, 3),
		Resources:      appResources(c, a),
		VolumeMounts:   []corev1.VolumeMount{mount("config", "/app/config", true)},
	}
	appTemplate(c, w, a, corev1.PodSpec{
		Containers: []corev1.Container{ct},
		Volumes:    []corev1.Volume{configMapVolume("config", w.Name+"-config", false)},
	}, nil)
}

func buildAPI(c *Cluster, w *Workload, a appOptions) {
	ct := corev1.Container{
		Name: "server", Image: image(w, a),
		Ports: []corev1.ContainerPort{port("http", 8080, corev1.ProtocolTCP)},
		Env: []corev1.EnvVar{env("PORT", "8080"), env("OTEL_SERVICE_NAME", w.Name),
			envSecret("DB_PASSWORD", w.Name+"-db", "password")},
		ReadinessProbe: timing(httpProbe("/readyz", 8080, false), 5, 5, 2, 2),
		Resources:      appResources(c, a),
	}
	appTemplate(c, w, a, corev1.PodSpec{Containers: []corev1.Container{ct}},
		map[string]string{"prometheus.io/scrape": "true", "prometheus.io/port": "8080"})
}

func buildWorker(c *Cluster, w *Workload, a appOptions) {
	ct := corev1.Container{
		Name: "worker", Image: image(w, a),
		Args:      []string{"--queue=" + w.Name, "--concurrency=8"},
		Env:       []corev1.EnvVar{env("SERVICEBUS_NAMESPACE", w.Namespace+"-sb.servicebus.windows.net")},
		Resources: appResources(c, a),
	}
	appTemplate(c, w, a, corev1.PodSpec{
		Containers:                    []corev1.Container{ct},
		TerminationGracePeriodSeconds: ptr(int64(120)),
	}, nil)
}

func buildCache(c *Cluster, w *Workload, a appOptions) {
	ct := corev1.Container{
		Name: "redis", Image: registry + "/mirror/redis:7.4.2",
		Args:           []string{"--maxmemory", strconv.Itoa(a.memMi) + "mb"},
		Ports:          []corev1.ContainerPort{port("redis", 6379, corev1.ProtocolTCP)},
		ReadinessProbe: timing(execProbe("redis-cli", "ping"), 5, 5, 2, 3),
		Resources:      appResources(c, a),
		VolumeMounts:   []corev1.VolumeMount{mount("data", "/data", false)},
	}
	appTemplate(c, w, a, corev1.PodSpec{Containers: []corev1.Container{ct}}, nil)
}

func buildJob(c *Cluster, w *Workload, a appOptions) {
	ct := corev1.Container{
		Name: "job", Image: image(w, a),
		Args:      []string{"run", "--since=24h"},
		Resources: appResources(c, a),
	}
	appTemplate(c, w, a, corev1.PodSpec{
		Containers:    []corev1.Container{ct},
		RestartPolicy: corev1.RestartPolicyOnFailure,
	}, nil)
}
