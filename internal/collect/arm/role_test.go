package arm

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// roleDefinition is the shape `az role definition create --role-definition` takes.
type roleDefinition struct {
	Name             string   `json:"Name"`
	IsCustom         bool     `json:"IsCustom"`
	Description      string   `json:"Description"`
	Actions          []string `json:"Actions"`
	NotActions       []string `json:"NotActions"`
	DataActions      []string `json:"DataActions"`
	NotDataActions   []string `json:"NotDataActions"`
	AssignableScopes []string `json:"AssignableScopes"`
}

// The shipped Azure role must grant exactly the ARM actions the collector performs.
func TestShippedAzureRoleIsExactlyWhatIsNeeded(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "deploy", "rbac", "azure-custom-role.json"))
	if err != nil {
		t.Fatal(err)
	}
	var role roleDefinition
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&role); err != nil {
		t.Fatal(err)
	}
	got, want := slices.Sorted(slices.Values(role.Actions)), slices.Sorted(slices.Values(RequiredActions))
	if !slices.Equal(got, want) {
		t.Errorf("azure-custom-role.json grants %v, the collector needs %v", got, want)
	}
	if !role.IsCustom || len(role.DataActions) != 0 || len(role.AssignableScopes) == 0 {
		t.Errorf("role = %+v", role)
	}
}
