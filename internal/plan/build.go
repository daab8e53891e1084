package plan

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/syspool/syspool/internal/simulate"
	"github.com/syspool/syspool/internal/snapshot"
)

// Options tune a plan.
type Options struct {
	// Durations is the time model; the zero value means simulate.Durations.
	Durations simulate.DurationModel
	// Recheck is the directory the final step captures into before `syspool check`.
	Recheck string
}

// updateEstimate is an `az aks nodepool update` of settings or mode: an ARM PUT on the pool that
// touches no node. It is our allowance, not a documented figure.
var updateEstimate = simulate.Estimate{Min: 1 * time.Minute, Max: 5 * time.Minute, Model: "pool update 1–5 min"}

// cordonEstimate is `kubectl cordon` on a pool's nodes.
var cordonEstimate = simulate.Estimate{Min: 0, Max: 1 * time.Minute, Model: "cordon under 1 min"}

type builder struct {
	s    *snapshot.Snapshot
	ix   *snapshot.Index
	req  Request
	c    cmds
	opts Options
	p    *Plan
	// sim is nil when the capture lacks the nodes or pods a simulation needs.
	sim *simulate.Sim
}

// Build plans req against s. It returns an error only for a request it cannot read (an unknown
// action); a request AKS would refuse yields a plan whose Refused says why.
func Build(s *snapshot.Snapshot, req Request, opts Options) (*Plan, error) {
	valid := false
	for _, a := range Actions {
		valid = valid || a == req.Action
	}
	if !valid {
		names := make([]string, len(Actions))
		for i, a := range Actions {
			names[i] = string(a)
		}
		return nil, fmt.Errorf("unknown plan action %q (valid: %s)", req.Action, strings.Join(names, ", "))
	}
	if opts.Durations == (simulate.DurationModel{}) {
		opts.Durations = simulate.Durations
	}
	if opts.Recheck == "" {
		opts.Recheck = "after"
	}
	if req.Retire == "" {
		req.Retire = RetireDelete
	}
	b := &builder{s: s, ix: snapshot.NewIndex(s), req: req, c: cmds{id: identityOf(s)}, opts: opts,
		p: &Plan{SchemaVersion: SchemaVersion, Request: req, Cluster: identityOf(s)}}
	b.p.Refused = clusterRefusals(s, req)
	if len(b.p.Refused) == 0 {
		b.initSim()
		switch req.Action {
		case Add:
			b.add()
		case Resize, Replace:
			b.replace()
		case Upgrade:
			b.upgrade()
		case Remove:
			b.remove()
		}
	}
	b.finish()
	return b.p, nil
}

// initSim starts the simulation when the capture has what it needs, and records what is missing.
func (b *builder) initSim() {
	for _, k := range []snapshot.DataKind{snapshot.KindNodes, snapshot.KindPods} {
		if ok, why := b.s.Coverage.Satisfies(k); !ok {
			b.p.Incomplete = append(b.p.Incomplete, "placement not simulated: "+why)
			return
		}
	}
	if ok, why := b.s.Coverage.Satisfies(snapshot.KindPDBs); !ok {
		b.p.Incomplete = append(b.p.Incomplete, "PodDisruptionBudgets not checked: "+why)
	}
	b.sim = simulate.New(b.s)
}

func (b *builder) refuse(why ...string) { b.p.Refused = append(b.p.Refused, why...) }

func (b *builder) warn(format string, a ...any) {
	b.p.Warnings = append(b.p.Warnings, fmt.Sprintf(format, a...))
}

// apply runs a scenario when simulating, and turns a failure into an Incomplete note.
func (b *builder) apply(sc simulate.Scenario) *simulate.Outcome {
	if b.sim == nil {
		return nil
	}
	o, err := b.sim.Apply(sc)
	if err != nil {
		b.p.Incomplete = append(b.p.Incomplete, fmt.Sprintf("%s not simulated: %v", sc.Kind, err))
		return nil
	}
	return o
}

// step appends st and returns its number.
func (b *builder) step(st Step) int {
	st.N = len(b.p.Steps) + 1
	if st.Effect.Kind == "" {
		st.Effect.Kind = NoEffect
	}
	b.p.Steps = append(b.p.Steps, st)
	return st.N
}

// block records a blocker against step n.
func (b *builder) block(n int, kind, msg string) {
	b.p.Blockers = append(b.p.Blockers, Blocker{Step: n, Kind: kind, Message: msg})
	st := &b.p.Steps[n-1]
	st.Blockers = append(st.Blockers, len(b.p.Blockers)-1)
}

// attach copies what a batch of the simulation predicts onto step n: the moves, the pods that
// find no node, and the blockers with their arithmetic.
func (b *builder) attach(n int, bt simulate.Batch) {
	st := &b.p.Steps[n-1]
	st.Moves = append(st.Moves, bt.Placements...)
	st.Unplaced = append(st.Unplaced, bt.Unplaced...)
	for _, bl := range bt.Blockers {
		b.block(n, string(bl.Kind), bl.Message)
	}
	for _, u := range bt.Unplaced {
		b.block(n, "unplaced", fmt.Sprintf("%s (requests cpu %s, memory %s) finds no node: %s", u.Pod,
			simulate.FormatCPU(u.Pod.Requests.MilliCPU), simulate.FormatMemory(u.Pod.Requests.MemoryBytes), u.Summary()))
	}
	for _, l := range bt.Lost {
		b.warn("%s has no controller: draining deletes it for good", l)
	}
}

// finish sums the durations, sorts what needs sorting and writes the title.
func (b *builder) finish() {
	p := b.p
	if len(p.Refused) > 0 {
		p.Steps, p.Blockers = nil, nil
	}
	for _, st := range p.Steps {
		p.Duration = p.Duration.Add(st.Duration)
	}
	p.Duration.Model = ""
	if b.sim != nil && len(p.Steps) > 0 {
		p.Assumptions = b.sim.Assumptions()
	}
	sort.Strings(p.Warnings)
	p.Warnings = dedupe(p.Warnings)
	if p.Title == "" {
		p.Title = string(b.req.Action) + " " + b.req.Pool
	}
}

func dedupe(xs []string) []string {
	var out []string
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}
