package files

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"path"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"

	"github.com/syspool/syspool/internal/snapshot"
)

// This file is the conversion surface the live collectors share with the offline reader
// (internal/collect/kube converts API objects page by page, internal/collect/arm hands over the ARM
// bodies it fetched). A cluster read live and the same cluster read from captures must give the same
// verdicts, and the only way to guarantee that is to run the very same conversion code: these are
// thin wrappers, never copies.

// KindStatefulSets counts StatefulSets in provenance. They join Snapshot.Workloads but have no
// coverage entry of their own (no rule needs them as a kind yet).
const KindStatefulSets = kindStatefulSets

// ConvertNode converts a Node as the offline reader does.
func ConvertNode(n *corev1.Node) snapshot.Node { return convertNode(n) }

// ConvertPod converts a Pod as the offline reader does.
func ConvertPod(p *corev1.Pod) snapshot.Pod { return convertPod(p) }

// ConvertPDB converts a PodDisruptionBudget as the offline reader does.
func ConvertPDB(p *policyv1.PodDisruptionBudget) snapshot.PDB { return convertPDB(p) }

// ConvertDeployment converts a Deployment; an unset replica count is the API default of 1.
func ConvertDeployment(d *appsv1.Deployment) snapshot.Workload {
	w := workload("Deployment", d.Namespace, d.Name, &d.Spec.Template.Spec)
	w.Replicas = replicas(d.Spec.Replicas)
	w.ReadyReplicas = d.Status.ReadyReplicas
	return w
}

// ConvertDaemonSet converts a DaemonSet; its replicas are the nodes it should run on.
func ConvertDaemonSet(d *appsv1.DaemonSet) snapshot.Workload {
	w := workload("DaemonSet", d.Namespace, d.Name, &d.Spec.Template.Spec)
	w.Replicas = d.Status.DesiredNumberScheduled
	w.ReadyReplicas = d.Status.NumberReady
	return w
}

// ConvertStatefulSet converts a StatefulSet; an unset replica count is the API default of 1.
func ConvertStatefulSet(s *appsv1.StatefulSet) snapshot.Workload {
	w := workload("StatefulSet", s.Namespace, s.Name, &s.Spec.Template.Spec)
	w.Replicas = replicas(s.Spec.Replicas)
	w.ReadyReplicas = s.Status.ReadyReplicas
	return w
}

// SortObjects orders the Kubernetes objects of s exactly as the offline reader does, so a live
// snapshot and one read from files list them in the same order.
func SortObjects(s *snapshot.Snapshot) { (*builder)(nil).sortKube(s) }

// Document is one input held in memory, such as an ARM response body.
type Document struct {
	// Name stands in for the file name in provenance and error messages.
	Name string
	Data []byte
}

// CollectDocuments reads in-memory documents exactly as Collect reads files with the same content:
// detection by content, the merging of a managed cluster's embedded pools with an agent pool
// list, mode defaulting, coverage and notes. The live ARM collector uses it on the response bodies
// it fetched, so an ARM body and an `az aks show` capture of the same cluster convert alike.
// opts.Paths and opts.FS are ignored.
func CollectDocuments(ctx context.Context, docs []Document, opts Options) (*snapshot.Snapshot, error) {
	fsys := memFS{}
	opts.Paths = make([]string, 0, len(docs))
	for _, d := range docs {
		if !fs.ValidPath(d.Name) || fsys[d.Name] != nil {
			return nil, fmt.Errorf("document name %q is not a unique slash-separated relative name", d.Name)
		}
		fsys[d.Name] = d.Data
		opts.Paths = append(opts.Paths, d.Name)
	}
	opts.FS = fsys
	return New(opts).Collect(ctx)
}

// memFS is a flat read-only file system over byte slices.
type memFS map[string][]byte

func (m memFS) Open(name string) (fs.File, error) {
	data, ok := m[name]
	if !ok {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return &memFile{name: path.Base(name), r: bytes.NewReader(data), size: int64(len(data))}, nil
}

type memFile struct {
	name string
	r    *bytes.Reader
	size int64
}

func (f *memFile) Stat() (fs.FileInfo, error) { return memInfo{name: f.name, size: f.size}, nil }
func (f *memFile) Read(p []byte) (int, error) { return f.r.Read(p) }
func (f *memFile) Close() error               { return nil }

var _ io.Reader = (*memFile)(nil)

type memInfo struct {
	name string
	size int64
}

func (i memInfo) Name() string       { return i.name }
func (i memInfo) Size() int64        { return i.size }
func (i memInfo) Mode() fs.FileMode  { return 0o444 }
func (i memInfo) ModTime() time.Time { return time.Time{} }
func (i memInfo) IsDir() bool        { return false }
func (i memInfo) Sys() any           { return nil }
