package gen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"
)

// The application side of the cluster: teams' namespaces full of Deployments, some StatefulSets
// and CronJob-made Jobs, spread over the user pools, plus the planted problems.

var teams = []string{"payments", "checkout", "catalog", "search", "identity", "orders", "shipping", "billing",
	"notifications", "analytics", "media", "recommendations", "inventory", "pricing", "fraud", "support",
	"reporting", "gateway", "ledger", "profile", "loyalty", "messaging", "returns", "tax", "warehouse"}

var components = []string{"api", "web", "worker", "consumer", "scheduler", "gateway", "indexer", "sync",
	"exporter", "processor", "frontend", "backend", "auth", "cache-warmer", "notifier", "reconciler",
	"ingest", "query", "admin", "webhook", "router", "aggregator", "validator", "publisher"}

// replicaChoices: most workloads run a handful of replicas, a few run dozens (mean about 6.5).
var replicaChoices = []struct{ n, weight int }{
	{1, 10}, {2, 15}, {3, 20}, {4, 10}, {5, 10}, {6, 5}, {8, 8}, {10, 7}, {12, 5}, {16, 4}, {20, 3}, {30, 2}, {50, 1},
}

func drawReplicas(r *rand.Rand) int {
	x := r.IntN(100)
	for _, c := range replicaChoices {
		if x < c.weight {
			return c.n
		}
		x -= c.weight
	}
	return 1
}

// planApps creates app workloads until pods app pods exist, then places them.
func (c *Cluster) planApps(r *rand.Rand, pods int) {
	users := c.Pools[1:]
	userNodes := 0
	for _, p := range users {
		userNodes += p.Count
	}
	for _, p := range users {
		p.want = pods * p.Count / userNodes
	}
	nsCount := min(max(3, pods/1500), 4*len(teams))
	namespaces := make([]string, nsCount)
	for i := range namespaces {
		namespaces[i] = teams[i%len(teams)]
		if i >= len(teams) {
			namespaces[i] += "-" + strconv.Itoa(i/len(teams)+1)
		}
	}
	used := map[string]bool{}
	name := func(ns string) string {
		for {
			n := components[r.IntN(len(components))]
			if r.IntN(3) == 0 {
				n = ns + "-" + n
			}
			if !used[ns+"/"+n] {
				used[ns+"/"+n] = true
				return n
			}
			n2 := n + "-" + strconv.Itoa(2+r.IntN(9))
			if !used[ns+"/"+n2] {
				used[ns+"/"+n2] = true
				return n2
			}
		}
	}

	// Planted first, so every size has them: a Deployment that tolerates every taint and runs on
	// the system pool (an old batch job nobody moved).
	legacy := c.newApp(r, namespaces[0], "legacy-report-runner", flavors[0], 3, c.Pools[0], true)
	legacy.Planted = "app pods on system nodes: tolerates every taint"
	c.placeApp(legacy, r)
	left := pods - legacy.Replicas

	crash, pending := false, false
	for left > 0 {
		ns := namespaces[r.IntN(len(namespaces))]
		fl := pickFlavor(r)
		replicas := min(left, drawReplicas(r))
		switch fl.kind {
		case kindStatefulSet:
			replicas = min(left, 1+r.IntN(5))
		case kindJob:
			replicas = 1
		}
		// The pool with the most room left takes the workload, so pools fill evenly.
		pool := users[0]
		for _, p := range users {
			if p.want-p.got > pool.want-pool.got {
				pool = p
			}
		}
		w := c.newApp(r, ns, name(ns), fl, replicas, pool, false)
		state := running
		switch {
		case fl.kind == kindJob:
			state = func(int) PodState { return Succeeded }
		case !crash && fl.kind == kindDeployment && replicas >= 2:
			crash = true
			w.Planted = "one replica in CrashLoopBackOff"
			state = func(i int) PodState {
				if i == 0 {
					return CrashLooping
				}
				return Running
			}
		case !pending && fl.kind == kindDeployment && replicas >= 3:
			pending = true
			w.Planted = "one replica Pending: no node fits"
			state = func(i int) PodState {
				if i == replicas-1 {
					return Pending
				}
				return Running
			}
		}
		c.placeAppState(w, r, state)
		left -= replicas
	}
}

func (c *Cluster) placeApp(w *Workload, r *rand.Rand) { c.placeAppState(w, r, running) }

func (c *Cluster) placeAppState(w *Workload, r *rand.Rand, state func(int) PodState) {
	next := w.Pool.roundRobin()
	c.place(w, r, func(i int) int { return next(i) }, state)
	w.Pool.got += w.Replicas
}

// newApp creates an app workload of flavor fl with its pods on pool.
func (c *Cluster) newApp(r *rand.Rand, ns, name string, fl *flavor, replicas int, pool *Pool, tolerateAll bool) *Workload {
	w := &Workload{Kind: fl.kind, Namespace: ns, Name: name, Replicas: replicas, Pool: pool, Manager: "helm",
		Created: at(time.Duration(30*24*3600+r.IntN(110*24*3600)) * time.Second)}
	a := appOptions{
		tolerateAll: tolerateAll,
		pinned:      !tolerateAll && (pool.Spot || pool.Arch == "arm64" || pool.Labels != nil || r.IntN(2) == 0),
		identity:    r.IntN(10) == 0,
		noToken:     r.IntN(10) < 8,
		version:     fmt.Sprintf("%d.%d.%d", 1+r.IntN(4), r.IntN(40), r.IntN(20)),
		cpu:         []string{"50m", "100m", "200m", "250m", "500m", "1"}[r.IntN(6)],
		memMi:       []int{64, 128, 256, 512, 768, 1024, 2048}[r.IntN(7)],
	}
	if w.Kind == kindJob {
		// Jobs made by a CronJob are named after the scheduled minute.
		w.Name = fmt.Sprintf("%s-%d", name, c.Now.Add(-time.Duration(1+r.IntN(72))*time.Hour).Unix()/60)
		w.Created = c.Now.Add(-time.Duration(1+r.IntN(72)) * time.Hour)
		w.Manager = "kube-controller-manager"
	}
	fl.build(c, w, a)
	w.shape = fmt.Sprintf("app/%s/pinned=%t/identity=%t/noToken=%t/tolerateAll=%t", fl.name, a.pinned, a.identity, a.noToken, a.tolerateAll)
	c.addWorkload(w, r)
	if w.Kind == kindDeployment && replicas >= 2 && r.IntN(3) == 0 {
		c.addPDB(w, r)
	}
	return w
}

func (c *Cluster) addPDB(w *Workload, r *rand.Rand) {
	b := &PDBPlan{Namespace: w.Namespace, Name: w.Name, Workload: w.index, Created: w.Created.Add(time.Second)}
	switch r.IntN(3) {
	case 0:
		b.MinAvailable = "50%"
	case 1:
		b.MaxUnavailable = "1"
	default:
		b.MinAvailable = "1"
	}
	b.UID = c.uid(tagMisc, len(c.PDBs), 7)
	c.PDBs = append(c.PDBs, b)
}
