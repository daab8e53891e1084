package gen

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/client-go/applyconfigurations"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

// Managed fields make up a quarter of a real pod's bytes, so the generator writes them, computed
// the way the API server computes them: structured-merge-diff's field set of the part of the object
// each manager wrote, with client-go's schema of the built-in types. That costs about a millisecond
// an object, too slow for 150,000 pods, so it runs once per shape (a workload's pods differ only in
// values, not in field paths, except for a few path keys: the owner's UID, the API token volume's
// name, the pod IP, the node's pod CIDR). Those are computed with sentinel values and replaced per
// object. TestManagedFieldsCache compares the result with a fresh computation for every object.

type fieldCache struct {
	tc managedfields.TypeConverter
	mu sync.Mutex
	m  map[string][]byte // shape key → compact fieldsV1 JSON with sentinels
	// fresh makes every lookup compute afresh with the object's real values; tests only.
	fresh bool
}

func newFieldCache() *fieldCache {
	return &fieldCache{tc: applyconfigurations.NewTypeConverter(scheme.Scheme), m: map[string][]byte{}}
}

// set returns the fieldsV1 JSON of obj's top-level parts (e.g. "metadata", "spec"). Callers pass
// an object holding only what one manager wrote; naming the parts keeps out the empty structs
// (a zero PodSpec still has "containers": null) that would otherwise count as written.
func (fc *fieldCache) set(obj runtime.Object, parts ...string) ([]byte, error) {
	full, err := runtime.DefaultUnstructuredConverter.ToUnstructured(obj)
	if err != nil {
		return nil, err
	}
	part := map[string]any{"apiVersion": full["apiVersion"], "kind": full["kind"]}
	for _, p := range parts {
		if v, ok := full[p]; ok {
			part[p] = v
		}
	}
	tv, err := fc.tc.ObjectToTyped(&unstructured.Unstructured{Object: part})
	if err != nil {
		return nil, err
	}
	s, err := tv.ToFieldSet()
	if err != nil {
		return nil, err
	}
	s = s.Difference(fieldpath.NewSet(fieldpath.MakePathOrDie("apiVersion"), fieldpath.MakePathOrDie("kind")))
	return s.ToJSON()
}

// lookup returns the field set cached under key, computing it with compute on a miss. In fresh
// mode it always computes, with real values; callers then skip the sentinel replacement.
func (fc *fieldCache) lookup(key string, compute func() ([]byte, error)) ([]byte, error) {
	fc.mu.Lock()
	b, ok := fc.m[key]
	fc.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := compute()
	if err != nil {
		return nil, fmt.Errorf("managed fields of %s: %w", key, err)
	}
	fc.mu.Lock()
	fc.m[key] = b
	fc.mu.Unlock()
	return b, nil
}

// entry is one managed-fields entry.
func entry(manager, apiVersion, subresource string, t time.Time, fields []byte) metav1.ManagedFieldsEntry {
	return metav1.ManagedFieldsEntry{Manager: manager, Operation: metav1.ManagedFieldsOperationUpdate, APIVersion: apiVersion,
		Time: ptr(metav1.NewTime(t)), FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(string(fields)), Subresource: subresource}
}

// sortEntries orders entries as the API server stores them: by operation, time, manager, subresource.
func sortEntries(es []metav1.ManagedFieldsEntry) []metav1.ManagedFieldsEntry {
	slices.SortStableFunc(es, func(a, b metav1.ManagedFieldsEntry) int {
		if a.Operation != b.Operation {
			return strings.Compare(string(a.Operation), string(b.Operation))
		}
		if c := a.Time.Compare(b.Time.Time); c != 0 {
			return c
		}
		if a.Manager != b.Manager {
			return strings.Compare(a.Manager, b.Manager)
		}
		return strings.Compare(a.Subresource, b.Subresource)
	})
	return es
}

// replacer substitutes real values for sentinels in a field set. Keys in fieldsV1 are JSON inside
// JSON strings, so a value appears there as \"value\"; the closing escaped quote keeps
// 192.0.2.1 from matching inside 192.0.2.10.
type replacer []string

func (r replacer) apply(b []byte) []byte {
	for i := 0; i+1 < len(r); i += 2 {
		if r[i] == r[i+1] {
			continue
		}
		b = bytes.ReplaceAll(b, []byte(r[i]+`\"`), []byte(r[i+1]+`\"`))
	}
	return b
}
