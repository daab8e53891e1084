package files

import (
	"fmt"
	"strings"

	"github.com/syspool/syspool/internal/snapshot"
)

// poolDoc reads one agent pool: an ARM agentPools resource (arm) or az's flattened form. single is
// set when the document holds this pool alone (nodepool show), which covers only part of the pools.
func (b *builder) poolDoc(o object, arm, single bool, srcKind string) error {
	var env envelope
	if err := o.decode(&env, o.where()+"agent pool"); err != nil {
		return err
	}
	props := o
	if arm {
		props = o.sub(env.Properties)
	}
	var pp poolProps
	if err := props.decode(&pp, fmt.Sprintf("%sagent pool %q", o.where(), env.Name)); err != nil {
		return err
	}
	name := firstNonEmpty(env.Name, pp.Name)
	if name == "" {
		return o.errorf("", "%sthe agent pool has no name; expected a name member as az and ARM write it", o.where())
	}
	if err := b.sameCluster(o, parseID(env.ID), "", env.ID); err != nil {
		return err
	}
	pool, err := pp.toPool(props, name)
	if err != nil {
		return err
	}
	b.addPool(o.r.path, pool, true, single)
	o.r.src.kind(srcKind)
	o.r.src.count(snapshot.KindPools)
	return nil
}

// clusterDoc reads a managed cluster, ARM (arm) or az aks show, with the pools embedded in it.
func (b *builder) clusterDoc(o object, arm bool, srcKind string) error {
	var env envelope
	if err := o.decode(&env, o.where()+"managed cluster"); err != nil {
		return err
	}
	props := o
	if arm {
		props = o.sub(env.Properties)
	}
	var cp clusterProps
	if err := props.decode(&cp, fmt.Sprintf("%smanaged cluster %q", o.where(), env.Name)); err != nil {
		return err
	}
	id := parseID(env.ID)
	cl := snapshot.Cluster{
		ID:             env.ID,
		Name:           firstNonEmpty(env.Name, id.Cluster),
		ResourceGroup:  firstNonEmpty(id.ResourceGroup, env.ResourceGroup),
		SubscriptionID: id.Subscription,
		Location:       env.Location,
		Tags:           mapOrNil(env.Tags),
	}
	if env.SKU != nil {
		cl.SKUName, cl.SKUTier = env.SKU.Name, env.SKU.Tier
	}
	cp.fill(&cl)
	if err := b.sameCluster(o, id, cl.Name, firstNonEmpty(env.ID, env.Name)); err != nil {
		return err
	}
	if b.clusterRead {
		fillCluster(&b.cluster, cl)
	} else {
		b.cluster, b.clusterRead = cl, true
	}
	o.r.src.kind(srcKind)
	o.r.src.count(snapshot.KindCluster)
	if cp.AgentPoolProfiles == nil {
		return nil
	}
	// The profiles list every pool (except the hosted system pool of AKS Automatic, which no
	// agent pool API shows), so an empty list still covers pools.
	b.poolListRead = true
	for i, raw := range *cp.AgentPoolProfiles {
		po := props.sub(raw)
		po.index = -1 // what names it
		what := fmt.Sprintf("%sagentPoolProfiles[%d]", o.where(), i)
		var pp poolProps
		if err := po.decode(&pp, what); err != nil {
			return err
		}
		if pp.Name == "" {
			return po.errorf("", "%s: the pool has no name; expected a name member", what)
		}
		pool, err := pp.toPool(po, pp.Name)
		if err != nil {
			return err
		}
		b.addPool(o.r.path, pool, false, false)
		o.r.src.count(snapshot.KindPools)
	}
	return nil
}

// sameCluster refuses a document about another cluster than the first one read. Ids are compared
// when both sides have one, else names; needle places the error.
func (b *builder) sameCluster(o object, id resourceID, name, needle string) error {
	name = firstNonEmpty(id.Cluster, name)
	key := id.clusterKey()
	if key == "" && name == "" {
		return nil
	}
	if b.idKey == "" && b.idName == "" {
		b.idKey, b.idName, b.idPath, b.idOf = key, name, o.r.path, id
		return nil
	}
	conflict := false
	switch {
	case key != "" && b.idKey != "":
		conflict = key != b.idKey
	case name != "" && b.idName != "":
		conflict = !strings.EqualFold(name, b.idName)
	}
	if conflict {
		return o.errorf(needle, "%stwo clusters in one run: this is cluster %s, but %s is cluster %s; pass the files of one cluster",
			o.where(), describeCluster(name, id), b.idPath, describeCluster(b.idName, b.idOf))
	}
	if b.idKey == "" && key != "" {
		b.idKey, b.idOf = key, id
	}
	if b.idName == "" {
		b.idName = name
	}
	return nil
}

func describeCluster(name string, id resourceID) string {
	s := name
	if id.ResourceGroup != "" {
		s += " in resource group " + id.ResourceGroup
	}
	if id.Subscription != "" {
		s += " of subscription " + id.Subscription
	}
	return s
}
