package kube

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/syspool/syspool/internal/collect/files"
	"github.com/syspool/syspool/internal/snapshot"
)

// Permission is one rule of the ClusterRole syspool needs.
type Permission struct {
	APIGroup, Resource string
	Verbs              []string
}

// RequiredPermissions are exactly the requests the collector makes: paginated lists at cluster
// scope, nothing else (no get, no watch). deploy/rbac/clusterrole.yaml grants these and a test
// keeps the two in step.
var RequiredPermissions = []Permission{
	{APIGroup: "", Resource: "nodes", Verbs: []string{"list"}},
	{APIGroup: "", Resource: "pods", Verbs: []string{"list"}},
	{APIGroup: "policy", Resource: "poddisruptionbudgets", Verbs: []string{"list"}},
	{APIGroup: "apps", Resource: "deployments", Verbs: []string{"list"}},
	{APIGroup: "apps", Resource: "daemonsets", Verbs: []string{"list"}},
	{APIGroup: "apps", Resource: "statefulsets", Verbs: []string{"list"}},
}

// lister runs the lists of one collection into s.
type lister struct {
	c    *Collector
	s    *snapshot.Snapshot
	host string
	in   *snapshot.Interner
}

// maxPresize bounds the capacity taken on the word of a server's remainingItemCount.
const maxPresize = 1 << 20

// grow makes room, on the first page of an attempt (nothing added since mark), for all the objects
// the server says the list holds, so a list of 150,000 pods is not copied into ever larger arrays
// with the old ones still alive.
func grow[T any](s []T, mark, page int, remaining *int64) []T {
	if len(s) != mark || remaining == nil || *remaining <= 0 {
		return s
	}
	return slices.Grow(s, page+int(min(*remaining, maxPresize)))
}

// list pages through one resource. reset drops what an abandoned attempt added, so a list that
// restarts after an expired continue token does not count objects twice.
func (l *lister) list(ctx context.Context, resource string, kind snapshot.DataKind, get fetch, conv convert, reset func()) {
	path := l.host + "/" + resourcePath(resource)
	restarts := 0
	n, pages := 0, 0
	var cov snapshot.KindCoverage
	for {
		var err error
		n, pages, err = l.pages(ctx, resource, get, conv)
		if err == nil {
			cov = snapshot.KindCoverage{Present: true}
			break
		}
		if expired(err) && restarts < maxRestarts {
			// The continue token outlived etcd's compaction window (about five minutes): the
			// rest of the list cannot be read consistently, so read it again from the start.
			restarts++
			reset()
			l.note("the %s list was restarted: its continue token expired after %d page(s) (410 Gone)", resource, pages)
			continue
		}
		why := describe(err, resource)
		if expired(err) {
			why = fmt.Sprintf("list %s: the continue token expired %d times (410 Gone); the API server compacts faster than the list can be read: raise --page-size or retry", resource, restarts+1)
		}
		if n > 0 {
			cov = snapshot.KindCoverage{Present: true, Partial: true,
				Reason: fmt.Sprintf("only %d %s in %d page(s) were read, then %s", n, resource, pages, why)}
		} else {
			cov = snapshot.KindCoverage{Reason: why}
		}
		break
	}
	if kind != "" {
		l.s.Coverage[kind] = cov
	} else if cov.Reason != "" {
		// StatefulSets are not a coverage kind; their loss is still worth saying.
		l.note("%s", cov.Reason)
	}
	src := snapshot.Source{Path: path, Kind: "kubernetes list (live)"}
	if n > 0 {
		k := kind
		if k == "" {
			k = snapshot.DataKind(resource)
		}
		src.Objects = map[snapshot.DataKind]int{k: n}
	}
	l.s.Provenance.Sources = append(l.s.Provenance.Sources, src)
}

func (l *lister) note(format string, args ...any) {
	l.s.Notes = append(l.s.Notes, snapshot.Note{Source: "kubernetes", Message: fmt.Sprintf(format, args...)})
}

func resourcePath(resource string) string {
	switch resource {
	case "nodes", "pods":
		return "api/v1/" + resource
	case "poddisruptionbudgets":
		return "apis/policy/v1/" + resource
	}
	return "apis/apps/v1/" + resource
}

func expired(err error) bool { return apierrors.IsResourceExpired(err) || apierrors.IsGone(err) }

// describe says why a list failed and what would fix it.
func describe(err error, resource string) string {
	what := "list " + resource
	var st apierrors.APIStatus
	switch {
	case apierrors.IsForbidden(err):
		return fmt.Sprintf("%s: forbidden (HTTP 403): %s; the ClusterRole in deploy/rbac/clusterrole.yaml grants it", what, statusMessage(err))
	case apierrors.IsUnauthorized(err):
		return fmt.Sprintf("%s: the API server rejected the credentials (HTTP 401); refresh them (az aks get-credentials, kubelogin)", what)
	case apierrors.IsNotFound(err):
		return fmt.Sprintf("%s: the API server does not serve %s (HTTP 404)", what, resourcePath(resource))
	case errors.Is(err, context.DeadlineExceeded) || apierrors.IsTimeout(err) || apierrors.IsServerTimeout(err):
		return fmt.Sprintf("%s: timed out (raise --timeout): %s", what, oneLine(err.Error()))
	case errors.Is(err, context.Canceled):
		return what + ": cancelled"
	case apierrors.IsTooManyRequests(err):
		return fmt.Sprintf("%s: throttled by the API server (HTTP 429) beyond client-go's retries; lower --kube-qps or retry later", what)
	case errors.As(err, &st) && st.Status().Code >= http.StatusInternalServerError:
		return fmt.Sprintf("%s: the API server failed (HTTP %d): %s", what, st.Status().Code, statusMessage(err))
	}
	return fmt.Sprintf("%s: the API server did not answer: %s", what, oneLine(err.Error()))
}

func statusMessage(err error) string {
	var st apierrors.APIStatus
	if errors.As(err, &st) && st.Status().Message != "" {
		return oneLine(st.Status().Message)
	}
	return oneLine(err.Error())
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

func (l *lister) nodes(ctx context.Context, cs kubernetes.Interface) {
	mark := len(l.s.Nodes)
	l.list(ctx, "nodes", snapshot.KindNodes, request(cs.CoreV1().RESTClient(), "nodes"), func(r rest.Result) (int, string, error) {
		var page corev1.NodeList
		if err := r.Into(&page); err != nil {
			return 0, "", err
		}
		l.s.Nodes = grow(l.s.Nodes, mark, len(page.Items), page.RemainingItemCount)
		for i := range page.Items {
			n := files.ConvertNode(&page.Items[i])
			l.in.Node(&n)
			l.s.Nodes = append(l.s.Nodes, n)
		}
		return len(page.Items), page.Continue, nil
	}, func() { l.s.Nodes = l.s.Nodes[:mark] })
}

func (l *lister) pods(ctx context.Context, cs kubernetes.Interface) {
	mark := len(l.s.Pods)
	l.list(ctx, "pods", snapshot.KindPods, request(cs.CoreV1().RESTClient(), "pods"), func(r rest.Result) (int, string, error) {
		var page corev1.PodList
		if err := r.Into(&page); err != nil {
			return 0, "", err
		}
		l.s.Pods = grow(l.s.Pods, mark, len(page.Items), page.RemainingItemCount)
		for i := range page.Items {
			p := files.ConvertPod(&page.Items[i])
			l.in.Pod(&p)
			l.s.Pods = append(l.s.Pods, p)
		}
		return len(page.Items), page.Continue, nil
	}, func() { l.s.Pods = l.s.Pods[:mark] })
}

func (l *lister) pdbs(ctx context.Context, cs kubernetes.Interface) {
	mark := len(l.s.PDBs)
	l.list(ctx, "poddisruptionbudgets", snapshot.KindPDBs, request(cs.PolicyV1().RESTClient(), "poddisruptionbudgets"), func(r rest.Result) (int, string, error) {
		var page policyv1.PodDisruptionBudgetList
		if err := r.Into(&page); err != nil {
			return 0, "", err
		}
		for i := range page.Items {
			l.s.PDBs = append(l.s.PDBs, files.ConvertPDB(&page.Items[i]))
		}
		return len(page.Items), page.Continue, nil
	}, func() { l.s.PDBs = l.s.PDBs[:mark] })
}

// workloads lists the three workload kinds into one slice; a restart of one kind drops only what
// that kind added, which is the tail of the slice while it is being listed.
func (l *lister) workloads(ctx context.Context, cs kubernetes.Interface) {
	apps := cs.AppsV1().RESTClient()
	mark := len(l.s.Workloads)
	reset := func() { l.s.Workloads = l.s.Workloads[:mark] }
	l.list(ctx, "deployments", snapshot.KindDeployments, request(apps, "deployments"), func(r rest.Result) (int, string, error) {
		var page appsv1.DeploymentList
		if err := r.Into(&page); err != nil {
			return 0, "", err
		}
		for i := range page.Items {
			w := files.ConvertDeployment(&page.Items[i])
			l.in.Workload(&w)
			l.s.Workloads = append(l.s.Workloads, w)
		}
		return len(page.Items), page.Continue, nil
	}, reset)
	mark = len(l.s.Workloads)
	l.list(ctx, "daemonsets", snapshot.KindDaemonSets, request(apps, "daemonsets"), func(r rest.Result) (int, string, error) {
		var page appsv1.DaemonSetList
		if err := r.Into(&page); err != nil {
			return 0, "", err
		}
		for i := range page.Items {
			w := files.ConvertDaemonSet(&page.Items[i])
			l.in.Workload(&w)
			l.s.Workloads = append(l.s.Workloads, w)
		}
		return len(page.Items), page.Continue, nil
	}, reset)
	mark = len(l.s.Workloads)
	l.list(ctx, "statefulsets", "", request(apps, "statefulsets"), func(r rest.Result) (int, string, error) {
		var page appsv1.StatefulSetList
		if err := r.Into(&page); err != nil {
			return 0, "", err
		}
		for i := range page.Items {
			w := files.ConvertStatefulSet(&page.Items[i])
			l.in.Workload(&w)
			l.s.Workloads = append(l.s.Workloads, w)
		}
		return len(page.Items), page.Continue, nil
	}, reset)
}
