package gen

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	corev1 "k8s.io/api/core/v1"
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
		_, err := cs.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns.Name}}, create)
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("create namespace %s: %w", ns.Name, err)
		}
		for _, sa := range ns.ServiceAccounts {
			_, err := cs.CoreV1().ServiceAccounts(ns.Name).Create(ctx,
				&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa, Namespace: ns.Name}}, create)
			if err != nil && !apierrors.IsAlreadyExists(err) {
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
		got, err := cs.CoreV1().Nodes().Create(ctx, want, create)
		if err != nil {
			return fmt.Errorf("create node %s: %w", want.Name, err)
		}
		got.Status = status
		if _, err := cs.CoreV1().Nodes().UpdateStatus(ctx, got, update); err != nil {
			return fmt.Errorf("update status of node %s: %w", want.Name, err)
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
		api := cs.AppsV1().Deployments(want.Namespace)
		got, err := api.Create(ctx, want, create)
		if err != nil {
			return fmt.Errorf("create deployment %s/%s: %w", want.Namespace, want.Name, err)
		}
		got.Status = status
		if _, err := api.UpdateStatus(ctx, got, update); err != nil {
			return fmt.Errorf("update status of deployment %s/%s: %w", want.Namespace, want.Name, err)
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
		api := cs.AppsV1().DaemonSets(want.Namespace)
		got, err := api.Create(ctx, want, create)
		if err != nil {
			return fmt.Errorf("create daemonset %s/%s: %w", want.Namespace, want.Name, err)
		}
		got.Status = status
		if _, err := api.UpdateStatus(ctx, got, update); err != nil {
			return fmt.Errorf("update status of daemonset %s/%s: %w", want.Namespace, want.Name, err)
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
		api := cs.PolicyV1().PodDisruptionBudgets(want.Namespace)
		got, err := api.Create(ctx, want, create)
		if err != nil {
			return fmt.Errorf("create pdb %s/%s: %w", want.Namespace, want.Name, err)
		}
		got.Status = status
		if _, err := api.UpdateStatus(ctx, got, update); err != nil {
			return fmt.Errorf("update status of pdb %s/%s: %w", want.Namespace, want.Name, err)
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
		api := cs.CoreV1().Pods(want.Namespace)
		got, err := api.Create(ctx, want, create)
		if err != nil {
			return fmt.Errorf("create pod %s/%s: %w", want.Namespace, want.Name, err)
		}
		// The API server sets the QoS class on create; keep it rather than the generator's.
		status.QOSClass = got.Status.QOSClass
		got.Status = status
		if _, err := api.UpdateStatus(ctx, got, update); err != nil {
			return fmt.Errorf("update status of pod %s/%s: %w", want.Namespace, want.Name, err)
		}
		return nil
	})
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
