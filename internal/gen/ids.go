package gen

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"time"
)

// Everything random is derived from the seed: streams of math/rand/v2's PCG for the sequential
// planning, and mix (splitmix64) for values that belong to one object (UIDs, container IDs), so
// that objects can be built in any order, and in parallel, and still come out identical.

// Stream numbers keep the planning decisions apart: adding a draw to one part of the plan does not
// shift the others.
const (
	streamPools uint64 = iota + 1
	streamNodes
	streamWorkloads
	streamPods
)

func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}

// mix is splitmix64's finalizer: a cheap, well-spread hash of a 64-bit value.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// key identifies one object or value for mix: a kind tag and up to two indexes.
func (c *Cluster) key(tag uint64, i, j int) uint64 {
	return mix(mix(mix(c.Params.Seed^tag)^uint64(i)) ^ uint64(j))
}

// Tags for key; any distinct constants do.
const (
	tagUID uint64 = 0x5549440000000000 + iota
	tagContainerID
	tagImageID
	tagSuffix
	tagBoot
	tagMachine
	tagSubscription
	tagMisc
)

// uuid formats a version-4 UUID from two hashes, as the API server's UIDs look.
func uuid(a, b uint64) string {
	var u [16]byte
	binary.BigEndian.PutUint64(u[:8], a)
	binary.BigEndian.PutUint64(u[8:], b)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func (c *Cluster) uid(tag uint64, i, j int) string {
	k := c.key(tagUID^tag, i, j)
	return uuid(k, mix(k))
}

// hex64 is a 64-hex-digit value, the shape of container IDs and image digests.
func hex64(k uint64) string {
	var b [32]byte
	for i := range 4 {
		k = mix(k)
		binary.BigEndian.PutUint64(b[i*8:], k)
	}
	return hex.EncodeToString(b[:])
}

// nameAlphabet is the alphabet of generated name suffixes in Kubernetes (k8s.io/apimachinery's
// rand.String): no vowels, no 0, 1 and 3, so suffixes never spell words.
const nameAlphabet = "bcdfghjklmnpqrstvwxz2456789"

// suffix returns n characters of nameAlphabet drawn from k.
func suffix(k uint64, n int) string {
	b := make([]byte, n)
	for i := range b {
		k = mix(k)
		b[i] = nameAlphabet[k%uint64(len(nameAlphabet))]
	}
	return string(b)
}

// suffixFrom draws n characters of nameAlphabet from r.
func suffixFrom(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = nameAlphabet[r.IntN(len(nameAlphabet))]
	}
	return string(b)
}

// addIP returns base advanced by n addresses.
func addIP(base netip.Addr, n int) netip.Addr {
	b := base.As4()
	v := binary.BigEndian.Uint32(b[:]) + uint32(n)
	binary.BigEndian.PutUint32(b[:], v)
	return netip.AddrFrom4(b)
}

// epoch is when the generated cluster was created. A fixed date, not the clock: the same seed must
// give the same bytes on every run.
var epoch = time.Date(2026, time.June, 2, 8, 14, 0, 0, time.UTC)

// at returns epoch plus d, truncated to whole seconds as the API server stores timestamps.
func at(d time.Duration) time.Time { return epoch.Add(d).Truncate(time.Second) }
