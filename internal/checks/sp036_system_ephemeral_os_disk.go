package checks

import (
	"strconv"
	"strings"

	"github.com/syspool/syspool/internal/rule"
	"github.com/syspool/syspool/internal/snapshot"
	"github.com/syspool/syspool/internal/vmsize"
)

// defaultOSDiskGiB is the OS disk size AKS gives a pool that does not set one.
const defaultOSDiskGiB = 128

var sp036 = rule.Rule{
	ID:       "SP036",
	Title:    "System pools use ephemeral OS disks",
	Category: catAvailability,
	Severity: rule.Low,
	Rationale: "An ephemeral OS disk lives on the VM's local cache or temp disk: reimages and node image upgrades are " +
		"faster, OS disk latency is lower and does not share remote-storage throttling, which matters to the " +
		"container runtime pulling add-on images on a busy system node. AKS picks Ephemeral by default when the size's " +
		"local storage can hold the OS disk, but the Terraform provider defaults to Managed. The sources disagree on " +
		"weight: Azure Advisor 79dd48e7 rates it Low impact, the Azure Review Checklist 24367b33 High; syspool defaults " +
		"to low and the policy may raise it. PSRule and Checkov CKV_AZURE_226 flag the same (Checkov on the default pool).",
	Remediation: "The OS disk type cannot be changed on a pool: add a System pool with `--node-osdisk-type Ephemeral` on " +
		"a size with enough local storage (for example " + recommendedSystemVMSize + "), then delete the old one.",
	Sources: []rule.Source{
		advisorOpEx("79dd48e7-cd34-4f35-a8be-a7d483353c1c", "Use Ephemeral OS disk"),
		checklist("24367b33-6971-45b1-952b-eee0b9b588de", "Use ephemeral OS disks"),
		checkov("CKV_AZURE_226", "AKSEphemeralOSDisks", "Ensure ephemeral disks are used for OS disks"),
		psrule("Azure.AKS.EphemeralOSDisk", "Use ephemeral OS disk"),
		{Title: "AKS docs: Storage concepts (ephemeral OS disks)", URL: "https://learn.microsoft.com/azure/aks/concepts-storage"},
	},
	Needs: []snapshot.DataKind{snapshot.KindPools},
	Params: []rule.Param{
		{Name: "recommendedVMSize", Default: recommendedSystemVMSize,
			Doc: "VM size proposed in fixes when the pool's size has too little local storage for an ephemeral OS disk"},
	},
	Check: checkSP036,
}

func checkSP036(c *rule.Context) []rule.Result {
	pools, res := systemPools(c)
	if res != nil {
		return res
	}
	var out []rule.Result
	for _, p := range pools {
		r := rule.Result{Resource: poolResource(p), Evidence: []rule.Evidence{ev("osDiskType", orUnset(p.OSDiskType)),
			ev("osDiskSizeGb", p.OSDiskSizeGB), ev("vmSize", orUnset(p.VMSize))}}
		switch {
		case p.OSDiskType == "":
			r.Status = rule.Error
			r.Message = "pool " + p.Name + " has no osDiskType in the capture: AKS chooses Ephemeral or Managed by VM size"
		case strings.EqualFold(p.OSDiskType, "Ephemeral"):
			r.Status = rule.Pass
			r.Message = "System pool " + p.Name + " uses an ephemeral OS disk"
		default:
			r.Status = rule.Fail
			r.Message = "System pool " + p.Name + " uses a " + p.OSDiskType + " OS disk"
			r.Fix = ephemeralFix(c, p)
		}
		out = append(out, r)
	}
	return out
}

// ephemeralFix replaces p with an ephemeral-OS pool, keeping its VM size when the size table says
// the cache or temp disk holds the OS disk, and switching to recommendedVMSize otherwise.
func ephemeralFix(c *rule.Context, p *snapshot.Pool) string {
	disk := defaultOSDiskGiB
	if p.OSDiskSizeGB != nil {
		disk = *p.OSDiskSizeGB
	}
	s := specFor(p)
	if sz, ok := vmsize.Lookup(p.VMSize); !ok || max(sz.TempDiskGiB, sz.CacheGiB) < float64(disk) {
		s.vmSize = c.String("recommendedVMSize")
		if sz, ok := vmsize.Lookup(s.vmSize); ok && max(sz.TempDiskGiB, sz.CacheGiB) < float64(disk) {
			disk = int(max(sz.TempDiskGiB, sz.CacheGiB))
		}
	}
	s.extra = append(s.extra, "--node-osdisk-type Ephemeral", "--node-osdisk-size "+strconv.Itoa(disk))
	return replaceFix(c, p, s, retireDelete)
}
