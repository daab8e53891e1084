package kube

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/yaml"
)

// The shipped ClusterRole must grant exactly what the collector does: a missing rule breaks audits,
// an extra one breaks least privilege. The integration tests prove it is enough on a real server.
func TestShippedClusterRoleIsExactlyWhatIsNeeded(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "deploy", "rbac", "clusterrole.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var role rbacv1.ClusterRole
	if err := yaml.UnmarshalStrict(data, &role); err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, r := range role.Rules {
		if len(r.ResourceNames) > 0 || len(r.NonResourceURLs) > 0 {
			t.Errorf("rule %+v: resourceNames and nonResourceURLs are not needed", r)
		}
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				for _, v := range r.Verbs {
					got = append(got, g+"/"+res+":"+v)
				}
			}
		}
	}
	for _, p := range RequiredPermissions {
		for _, v := range p.Verbs {
			want = append(want, p.APIGroup+"/"+p.Resource+":"+v)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("deploy/rbac/clusterrole.yaml grants %v, the collector needs %v", got, want)
	}

	data, err = os.ReadFile(filepath.Join("..", "..", "..", "deploy", "rbac", "clusterrolebinding.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var binding rbacv1.ClusterRoleBinding
	if err := yaml.UnmarshalStrict(data, &binding); err != nil {
		t.Fatal(err)
	}
	if binding.RoleRef.Kind != "ClusterRole" || binding.RoleRef.Name != role.Name || len(binding.Subjects) == 0 {
		t.Errorf("the binding example does not bind %s: %+v", role.Name, binding)
	}
}
