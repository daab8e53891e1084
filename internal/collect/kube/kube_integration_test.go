package kube_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/rest"

	"github.com/syspool/syspool/internal/collect/kube"
	"github.com/syspool/syspool/internal/gen"
	"github.com/syspool/syspool/internal/kubetest"
	"github.com/syspool/syspool/internal/snapshot"
)

// clusterParams is an AKS-shaped cluster (seeds 0, 1 and 4 mod 5 pick regions whose node resource
// group fits the 63-character label limit) with thousands of pods, small enough to load into a bare
// API server in well under a minute on two cores. 2,150 pods at 500 a page is 5 pages, the last
// one partly filled, so an extra empty page would be noticed.
var clusterParams = gen.Params{Nodes: 40, Pods: 2150, Pools: 4, Seed: 1}

// recorder counts the list requests per resource and checks their wire format; inject, if set,
// may answer a request instead of the API server.
type recorder struct {
	next   http.RoundTripper
	mu     sync.Mutex
	lists  map[string]int
	notPB  []string
	inject func(resource string, continued bool) (*http.Response, error)
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resource := req.URL.Path[strings.LastIndexByte(req.URL.Path, '/')+1:]
	continued := req.URL.Query().Get("continue") != ""
	r.mu.Lock()
	if req.Method == http.MethodGet && req.URL.Query().Get("limit") != "" {
		r.lists[resource]++
	}
	inject := r.inject
	r.mu.Unlock()
	if inject != nil {
		if resp, err := inject(resource, continued); resp != nil || err != nil {
			return resp, err
		}
	}
	resp, err := r.next.RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusOK && !strings.HasPrefix(resp.Header.Get("Content-Type"), kube.Protobuf) {
		r.mu.Lock()
		r.notPB = append(r.notPB, req.URL.Path+" answered "+resp.Header.Get("Content-Type"))
		r.mu.Unlock()
	}
	return resp, err
}

func (r *recorder) count(resource string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lists[resource]
}

func withRecorder(cfg *rest.Config, inject func(string, bool) (*http.Response, error)) (*rest.Config, *recorder) {
	rec := &recorder{lists: map[string]int{}, inject: inject}
	cfg.WrapTransport = func(rt http.RoundTripper) http.RoundTripper { rec.next = rt; return rec }
	return cfg, rec
}

// gone is what kube-apiserver answers for a continue token older than etcd's compaction.
func gone() *http.Response {
	body := `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",` +
		`"message":"The provided continue parameter is too old to display a consistent list result.","reason":"Expired","code":410}`
	return &http.Response{StatusCode: http.StatusGone, Status: "410 Gone", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body))}
}

func loadCluster(t *testing.T, env *kubetest.Env, p gen.Params) *gen.Cluster {
	t.Helper()
	c, err := gen.New(p)
	if err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := c.Load(ctx, env.AdminClient(), gen.LoadOptions{}); err != nil {
		t.Fatalf("load the generated cluster: %v", err)
	}
	t.Logf("loaded %d nodes and %d pods in %s", len(c.Nodes), len(c.Pods), time.Since(began).Round(time.Millisecond))
	return c
}

// grant binds a ClusterRole with rules to a group, as an administrator would.
func grant(t *testing.T, env *kubetest.Env, group string, rules []rbacv1.PolicyRule) {
	t.Helper()
	ctx := context.Background()
	rbac := env.AdminClient().RbacV1()
	name := "syspool-test-" + strings.ReplaceAll(group, ":", "-")
	if _, err := rbac.ClusterRoles().Create(ctx, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := rbac.ClusterRoleBindings().Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: name},
		Subjects: []rbacv1.Subject{{Kind: "Group", APIGroup: "rbac.authorization.k8s.io", Name: group}}}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
}

func rulesFor(perms []kube.Permission) []rbacv1.PolicyRule {
	var out []rbacv1.PolicyRule
	for _, p := range perms {
		out = append(out, rbacv1.PolicyRule{APIGroups: []string{p.APIGroup}, Resources: []string{p.Resource}, Verbs: p.Verbs})
	}
	return out
}

func collect(t *testing.T, cfg *rest.Config, opts kube.Options) *snapshot.Snapshot {
	t.Helper()
	opts.Config = cfg
	opts.Context = "kubetest"
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := kube.New(opts).Collect(ctx)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return s
}

func TestCollectAgainstAPIServer(t *testing.T) {
	env := kubetest.Start(t, kubetest.Options{Users: map[string][]string{
		"reader": {"syspool:readers"}, "no-pods": {"syspool:no-pods"},
	}})
	c := loadCluster(t, env, clusterParams)
	var noPods []kube.Permission
	for _, p := range kube.RequiredPermissions {
		if p.Resource != "pods" {
			noPods = append(noPods, p)
		}
	}
	grant(t, env, "syspool:readers", rulesFor(kube.RequiredPermissions))
	grant(t, env, "syspool:no-pods", rulesFor(noPods))
	wantPages := (len(c.Pods) + 499) / 500

	t.Run("paginated protobuf lists with exactly the required permissions", func(t *testing.T) {
		cfg, rec := withRecorder(env.UserConfig("reader"), nil)
		s := collect(t, cfg, kube.Options{PageSize: 500})
		if len(s.Pods) != len(c.Pods) || len(s.Nodes) != len(c.Nodes) {
			t.Errorf("read %d pods and %d nodes, want %d and %d", len(s.Pods), len(s.Nodes), len(c.Pods), len(c.Nodes))
		}
		if got := rec.count("pods"); got != wantPages {
			t.Errorf("pods were listed in %d requests, want %d pages of 500", got, wantPages)
		}
		for _, k := range []snapshot.DataKind{snapshot.KindNodes, snapshot.KindPods, snapshot.KindPDBs, snapshot.KindDeployments, snapshot.KindDaemonSets} {
			if !s.Coverage.Has(k) {
				t.Errorf("coverage[%s] = %+v, want present", k, s.Coverage[k])
			}
		}
		if len(rec.notPB) > 0 {
			t.Errorf("answers not in protobuf: %v", rec.notPB)
		}
		if s.Provenance.Identity.APIServer != env.Host() || s.Provenance.Identity.KubeContext != "kubetest" {
			t.Errorf("identity = %+v", s.Provenance.Identity)
		}
		if len(s.Notes) != 0 {
			t.Errorf("notes = %+v", s.Notes)
		}
	})

	t.Run("page size flag", func(t *testing.T) {
		cfg, rec := withRecorder(env.AdminConfig(), nil)
		s := collect(t, cfg, kube.Options{PageSize: 1000})
		if got, want := rec.count("pods"), (len(c.Pods)+999)/1000; got != want || len(s.Pods) != len(c.Pods) {
			t.Errorf("%d requests for %d pods, want %d for %d", got, len(s.Pods), want, len(c.Pods))
		}
	})

	t.Run("an expired continue token restarts the list", func(t *testing.T) {
		once := sync.Once{}
		cfg, rec := withRecorder(env.AdminConfig(), func(resource string, continued bool) (*http.Response, error) {
			var resp *http.Response
			if resource == "pods" && continued {
				once.Do(func() { resp = gone() })
			}
			return resp, nil
		})
		s := collect(t, cfg, kube.Options{})
		if len(s.Pods) != len(c.Pods) || !s.Coverage.Has(snapshot.KindPods) {
			t.Errorf("read %d pods (coverage %+v), want all %d exactly once", len(s.Pods), s.Coverage[snapshot.KindPods], len(c.Pods))
		}
		// One good page, the expired one, then the whole list again.
		if got := rec.count("pods"); got != 2+wantPages {
			t.Errorf("pods were listed in %d requests, want %d", got, 2+wantPages)
		}
		if !hasNote(s, "restarted") {
			t.Errorf("no note about the restart: %+v", s.Notes)
		}
	})

	t.Run("a continue token that keeps expiring fails the kind cleanly", func(t *testing.T) {
		cfg, _ := withRecorder(env.AdminConfig(), func(resource string, continued bool) (*http.Response, error) {
			if resource == "pods" && continued {
				return gone(), nil
			}
			return nil, nil
		})
		s := collect(t, cfg, kube.Options{})
		kc := s.Coverage[snapshot.KindPods]
		if !kc.Partial || !strings.Contains(kc.Reason, "expired 3 times") {
			t.Errorf("coverage[pods] = %+v, want partial: expired 3 times", kc)
		}
		if len(s.Pods) != 500 {
			t.Errorf("kept %d pods, want the one page of the last attempt", len(s.Pods))
		}
	})

	t.Run("a list that breaks off mid-way is partial", func(t *testing.T) {
		pages := 0
		cfg, _ := withRecorder(env.AdminConfig(), func(resource string, continued bool) (*http.Response, error) {
			// From the third page on the server is gone. (A connection reset would not do:
			// client-go retries those on GETs by itself, which is what it should do.)
			if resource == "pods" {
				if pages++; pages >= 3 {
					return nil, errors.New("the API server went away")
				}
			}
			return nil, nil
		})
		s := collect(t, cfg, kube.Options{})
		kc := s.Coverage[snapshot.KindPods]
		if !kc.Present || !kc.Partial || !strings.Contains(kc.Reason, "only 1000 pods in 2 page(s) were read") {
			t.Errorf("coverage[pods] = %+v", kc)
		}
	})

	t.Run("no permission on pods", func(t *testing.T) {
		s := collect(t, env.UserConfig("no-pods"), kube.Options{})
		kc := s.Coverage[snapshot.KindPods]
		if kc.Present || !strings.Contains(kc.Reason, `forbidden (HTTP 403): pods is forbidden: User "no-pods" cannot list resource "pods"`) {
			t.Errorf("coverage[pods] = %+v", kc)
		}
		if !s.Coverage.Has(snapshot.KindNodes) || !s.Coverage.Has(snapshot.KindPDBs) {
			t.Errorf("the other kinds should still be read: %+v", s.Coverage)
		}
	})

	t.Run("AfterNodes can stop the run before pods are read", func(t *testing.T) {
		stop := errors.New("wrong cluster")
		cfg, rec := withRecorder(env.AdminConfig(), nil)
		_, err := kube.New(kube.Options{Config: cfg, AfterNodes: func(nodes []snapshot.Node, cov snapshot.KindCoverage) error {
			if len(nodes) != len(c.Nodes) || !cov.Present {
				t.Errorf("AfterNodes saw %d nodes (%+v)", len(nodes), cov)
			}
			return stop
		}}).Collect(context.Background())
		if !errors.Is(err, stop) || rec.count("pods") != 0 {
			t.Errorf("err = %v after %d pod lists, want the AfterNodes error before any", err, rec.count("pods"))
		}
	})
}

// A killed API server must give error findings' worth of coverage, never a pass: once before the
// pods are listed, once in the middle of the pod list.
func TestCollectAPIServerKilled(t *testing.T) {
	tests := []struct {
		name string
		// kill is called with the progress of each list; it returns true when it killed.
		kill      func(resource string, n int, done bool) bool
		wantNodes bool
		wantPods  string // "absent" or "partial"
	}{
		{name: "before the pod list", kill: func(r string, _ int, done bool) bool { return r == "nodes" && done },
			wantNodes: true, wantPods: "absent"},
		{name: "in the middle of the pod list", kill: func(r string, n int, done bool) bool { return r == "pods" && n >= 200 && !done },
			wantNodes: true, wantPods: "partial"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := kubetest.Start(t, kubetest.Options{})
			loadCluster(t, env, gen.Params{Nodes: 4, Pods: 450, Pools: 2, Seed: 4})
			killed := false
			began := time.Now()
			s := collect(t, env.AdminConfig(), kube.Options{PageSize: 200, RequestTimeout: 10 * time.Second,
				Progress: func(r string, n int, done bool) {
					if !killed && tt.kill(r, n, done) {
						env.StopAPIServer()
						killed = true
					}
				}})
			if !killed {
				t.Fatal("the API server was never killed")
			}
			t.Logf("collection with a dead API server took %s", time.Since(began).Round(time.Millisecond))
			if got := s.Coverage.Has(snapshot.KindNodes); got != tt.wantNodes {
				t.Errorf("nodes present = %v, want %v", got, tt.wantNodes)
			}
			kc := s.Coverage[snapshot.KindPods]
			switch tt.wantPods {
			case "absent":
				if kc.Present || !strings.Contains(kc.Reason, "list pods: the API server did not answer") {
					t.Errorf("coverage[pods] = %+v", kc)
				}
			case "partial":
				// The second page may have been fetched before the kill: it is requested while
				// the first is converted.
				if !kc.Partial || !partialAfterKill.MatchString(kc.Reason) {
					t.Errorf("coverage[pods] = %+v", kc)
				}
			}
			for _, k := range []snapshot.DataKind{snapshot.KindPDBs, snapshot.KindDeployments, snapshot.KindDaemonSets} {
				if s.Coverage[k].Present {
					t.Errorf("coverage[%s] = %+v after the API server died", k, s.Coverage[k])
				}
			}
		})
	}
}

var partialAfterKill = regexp.MustCompile(`^only (200 pods in 1|400 pods in 2) page\(s\) were read, then list pods: the API server did not answer`)

func hasNote(s *snapshot.Snapshot, sub string) bool {
	for _, n := range s.Notes {
		if strings.Contains(n.Message, sub) {
			return true
		}
	}
	return false
}
