package gen

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// LoadOptions tune Load.
type LoadOptions struct {
	// Concurrency is how many requests are in flight; 0 means 16. The client's own rate limiter
	// still applies: build the clientset with QPS -1 (or high) or loading crawls at client-go's
	// default of 5 requests a second.
	Concurrency int
	// FieldManager names the manager of what Load writes; empty means "aksgen".
	FieldManager string
	// Progress, if set, is called as each kind advances (at most about a hundred times per kind,
	// and with done == total at the end), from one goroutine at a time.
	Progress func(kind string, done, total int)
}

// Load creates the cluster in the API server behind cs: namespaces and service accounts, nodes,
// Deployments and DaemonSets, PodDisruptionBudgets and pods, each followed by its status through
// the status subresource (a create drops status). Pods are bound by spec.nodeName, so nothing
// needs to schedule them, and no controller needs to run: a bare etcd and kube-apiserver will do.
//
// The server assigns UIDs, resource versions, creation times and managed fields; everything else
// reads back as the files WriteDir writes. Load stops at the first error.
func (c *Cluster) Load(ctx context.Context, cs kubernetes.Interface, opts LoadOptions) error {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 16
	}
	if opts.FieldManager == "" {
		opts.FieldManager = "aksgen"
	}
	create := metav1.CreateOptions{FieldManager: opts.FieldManager}
	update := metav1.UpdateOptions{FieldManager: opts.FieldManager}
	l := &loader{opts: opts}

	err := l.each(ctx, "namespaces", len(c.Namespaces), func(ctx context.Context, i int) error {
		ns := c.Namespaces[i]
		err := retry(ctx, false, func() error {
			_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns.Name}}, create)
			if apierrors.IsAlreadyExists(err) {
				return nil
			}
			return err
		})
		if err != nil {
			return fmt.Errorf("create namespace %s: %w", ns.Name, err)
		}
		for _, sa := range ns.ServiceAccounts {
			err := retry(ctx, false, func() error {
				_, err := cs.CoreV1().ServiceAccounts(ns.Name).Create(ctx,
					&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa, Namespace: ns.Name}}, create)
				if apierrors.IsAlreadyExists(err) {
					return nil
				}
				return err
			})
			if err != nil {
				return fmt.Errorf("create service account %s/%s: %w", ns.Name, sa, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	err = l.each(ctx, "nodes", len(c.Nodes), func(ctx context.Context, i int) error {
		want := c.Node(i).DeepCopy()
		status := want.Status
		forCreate(&want.ObjectMeta)
		err := createWithStatus(ctx, cs.CoreV1().Nodes(), want, func(got *corev1.Node) { got.Status = status }, create, update)
		if err != nil {
			return fmt.Errorf("node %s: %w", want.Name, err)
		}
		return nil
	})
	if err != nil {
		return err
	}

	deploys, dss := c.Deployments(), c.DaemonSets()
	err = l.each(ctx, "deployments", len(deploys), func(ctx context.Context, i int) error {
		want := c.Deployment(deploys[i]).DeepCopy()
		status := want.Status
		forCreate(&want.ObjectMeta)
		err := createWithStatus(ctx, cs.AppsV1().Deployments(want.Namespace), want, func(got *appsv1.Deployment) { got.Status = status }, create, update)
		if err != nil {
			return fmt.Errorf("deployment %s/%s: %w", want.Namespace, want.Name, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = l.each(ctx, "daemonsets", len(dss), func(ctx context.Context, i int) error {
		want := c.DaemonSet(dss[i]).DeepCopy()
		status := want.Status
		forCreate(&want.ObjectMeta)
		err := createWithStatus(ctx, cs.AppsV1().DaemonSets(want.Namespace), want, func(got *appsv1.DaemonSet) { got.Status = status }, create, update)
		if err != nil {
			return fmt.Errorf("daemonset %s/%s: %w", want.Namespace, want.Name, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = l.each(ctx, "pdbs", len(c.PDBs), func(ctx context.Context, i int) error {
		want := c.PDB(i).DeepCopy()
		status := want.Status
		forCreate(&want.ObjectMeta)
		err := createWithStatus(ctx, cs.PolicyV1().PodDisruptionBudgets(want.Namespace), want,
			func(got *policyv1.PodDisruptionBudget) { got.Status = status }, create, update)
		if err != nil {
			return fmt.Errorf("pdb %s/%s: %w", want.Namespace, want.Name, err)
		}
		return nil
	})
	if err != nil {
		return err
	}

	return l.each(ctx, "pods", len(c.Pods), func(ctx context.Context, i int) error {
		want := c.Pod(i).DeepCopy()
		status := want.Status
		forCreate(&want.ObjectMeta)
		want.Status = corev1.PodStatus{}
		err := createWithStatus(ctx, cs.CoreV1().Pods(want.Namespace), want, func(got *corev1.Pod) {
			// The API server sets the QoS class on create; keep it rather than the generator's.
			st := *status.DeepCopy()
			st.QOSClass = got.Status.QOSClass
			got.Status = st
		}, create, update)
		if err != nil {
			return fmt.Errorf("pod %s/%s: %w", want.Namespace, want.Name, err)
		}
		return nil
	})
}

// statusAPI is what Load needs of a typed client: create, read back, and write the status.
type statusAPI[T any] interface {
	Create(ctx context.Context, obj T, opts metav1.CreateOptions) (T, error)
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	UpdateStatus(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)
}

// createWithStatus creates want and then writes its status (setStatus fills it in on the
// server's copy) through the status subresource. What a busy API server answers (timeouts,
// 429, 5xx: etcd stalls under a full-size load on a shared machine) is retried; a retried create
// that finds the object already there, or a retried status write that conflicts, starts again
// from the server's copy, since the attempt that timed out may have landed.
func createWithStatus[T metav1.Object](ctx context.Context, api statusAPI[T], want T, setStatus func(got T),
	create metav1.CreateOptions, update metav1.UpdateOptions) error {
	var got T
	tries := 0
	err := retry(ctx, false, func() error {
		tries++
		var err error
		got, err = api.Create(ctx, want, create)
		if tries > 1 && apierrors.IsAlreadyExists(err) {
			got, err = api.Get(ctx, want.GetName(), metav1.GetOptions{})
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	tries = 0
	err = retry(ctx, true, func() error {
		tries++
		if tries > 1 {
			fresh, err := api.Get(ctx, want.GetName(), metav1.GetOptions{})
			if err != nil {
				return err
			}
			got = fresh
		}
		setStatus(got)
		_, err := api.UpdateStatus(ctx, got, update)
		return err
	})
	if err != nil {
		return fmt.Errorf("update status: %w", err)
	}
	return nil
}

// loadAttempts bounds the tries of one request; the back-off between them doubles from
// loadBackoff, about 25 s in all: etcd was seen to stall for 10 s under a full-size load.
const (
	loadAttempts = 8
	loadBackoff  = 200 * time.Millisecond
)

// retry runs f until it succeeds, fails with an error that retrying cannot fix, or has been
// tried loadAttempts times. conflicts says whether a conflict is worth retrying (f starts from
// the server's copy on a retry).
func retry(ctx context.Context, conflicts bool, f func() error) error {
	delay := loadBackoff
	for attempt := 1; ; attempt++ {
		err := f()
		if err == nil || attempt == loadAttempts || !(transient(err) || conflicts && apierrors.IsConflict(err)) {
			return err
		}
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return err
		}
		delay *= 2
	}
}

// transient reports whether err is the API server being busy rather than the request being wrong.
func transient(err error) bool {
	var ne net.Error
	return apierrors.IsServerTimeout(err) || apierrors.IsTimeout(err) || apierrors.IsTooManyRequests(err) ||
		apierrors.IsInternalError(err) || apierrors.IsServiceUnavailable(err) || errors.As(err, &ne) && ne.Timeout()
}

// forCreate clears what the API server assigns and refuses in a create.
func forCreate(m *metav1.ObjectMeta) {
	m.UID, m.ResourceVersion, m.Generation = "", "", 0
	m.CreationTimestamp = metav1.Time{}
	m.ManagedFields = nil
}

type loader struct {
	opts LoadOptions
	mu   sync.Mutex // serializes Progress
}

// each runs fn for 0..n-1 with opts.Concurrency goroutines, stopping at the first error.
func (l *loader) each(ctx context.Context, kind string, n int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		next, done atomic.Int64
		firstErr   error
		errOnce    sync.Once
		wg         sync.WaitGroup
	)
	step := int64(max(1, n/100))
	report := func(d int64) {
		if l.opts.Progress != nil && (d%step == 0 || d == int64(n)) {
			l.mu.Lock()
			l.opts.Progress(kind, int(d), n)
			l.mu.Unlock()
		}
	}
	if n == 0 {
		report(0)
		return nil
	}
	for range min(l.opts.Concurrency, n) {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) || ctx.Err() != nil {
					return
				}
				if err := fn(ctx, int(i)); err != nil {
					errOnce.Do(func() { firstErr = err; cancel() })
					return
				}
				report(done.Add(1))
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return ctx.Err()
}
