package files

import (
	"bytes"
	"encoding/binary"
	"io"
	"strings"
	"unicode/utf8"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/syspool/syspool/internal/snapshot"
)

// walkPodNoRequests decodes a pod into narrowPod as jsonv2.Unmarshal with fastDecodeOptions
// does, except for the inputs of its resource requests (the members of spec that
// resourcehelper.PodRequests reads), which it leaves as raw JSON in ws.req, checked but not
// decoded: replicas have the same ones, byte for byte, and fastPod reuses their sum. That, and
// handing out the same string for the same name, is what the walk is for on pods, nine tenths of
// a large capture (BenchmarkFastPod: the walk and the conversion together cost what Unmarshal
// alone costs, with a quarter fewer allocations). It reads the members it knows token by token
// and skips the rest unbuilt; the typed leaves (affinity, spread, quantities, times) still go
// through jsonv2.UnmarshalDecode or the types' own UnmarshalJSON, so their rules are the
// library's. A member name that differs from a known one only in case, or a known member seen
// twice, is where encoding/json's rules (fold, last wins, merge maps) are subtle: errDecline
// leaves those pods to the exact path. TestWalkPodMatchesUnmarshal and FuzzFastMatchesExact hold
// it to the library's result.
func walkPodNoRequests(ws *workerScratch, raw []byte) (narrowPod, error) {
	var p narrowPod
	for i := range ws.req {
		ws.req[i] = ws.req[i][:0]
		ws.reqSet[i] = false
	}
	w := ws.walker(raw, &ws.dec, &ws.buf)
	w.object(func(name []byte) bool {
		switch string(name) {
		case "apiVersion":
			w.str(&p.APIVersion)
		case "kind":
			w.str(&p.Kind)
		case "metadata":
			w.meta(&p.Metadata)
		case "spec":
			w.podSpec(&p)
		case "status":
			w.podStatus(&p)
		default:
			return false
		}
		return true
	}, "apiVersion", "kind", "metadata", "spec", "status")
	w.end()
	return p, w.err
}

// walker returns a walker over raw with the decoder in *dec, reused from call to call. A decoder
// over a bytes.Buffer parses the buffer in place rather than copying it.
func (ws *workerScratch) walker(raw []byte, dec **jsontext.Decoder, buf *bytes.Buffer) *walker {
	*buf = *bytes.NewBuffer(raw)
	if *dec == nil {
		*dec = jsontext.NewDecoder(buf, fastDecodeOptions)
	} else {
		(*dec).Reset(buf, fastDecodeOptions)
	}
	return &walker{dec: *dec, ws: ws}
}

// end checks that nothing follows the value walked.
func (w *walker) end() {
	if w.err == nil {
		if _, err := w.dec.ReadToken(); err != io.EOF {
			w.err = errDecline // more than one value
		}
	}
}

// The members of a pod's spec that its resource requests are computed from.
const (
	reqContainers = iota
	reqInitContainers
	reqOverhead
	reqResources
	reqInputs
)

// requestInput keeps the raw value of one request input for decodeRequestInputs.
func (w *walker) requestInput(i int) {
	if w.err != nil {
		return
	}
	raw, err := w.dec.ReadValue()
	if err != nil {
		w.fail(err)
		return
	}
	w.ws.req[i] = append(w.ws.req[i][:0], raw...)
	w.ws.reqSet[i] = true
}

// decodeRequestInputs decodes the request inputs walkPodNoRequests kept into p.
func (ws *workerScratch) decodeRequestInputs(p *narrowPod) error {
	for i := range reqInputs {
		if !ws.reqSet[i] {
			continue
		}
		w := ws.walker(ws.req[i], &ws.reqDec, &ws.reqBuf)
		switch i {
		case reqContainers:
			p.Spec.Containers = w.containers()
		case reqInitContainers:
			p.Spec.InitContainers = w.containers()
		case reqOverhead:
			w.value(&p.Spec.Overhead)
		case reqResources:
			w.value(&p.Spec.Resources)
		}
		w.end()
		if w.err != nil {
			return w.err
		}
	}
	return nil
}

// requestKey is the request inputs kept, each with its length (absent and empty differ).
func (ws *workerScratch) requestKey() []byte {
	k := ws.key[:0]
	for i := range reqInputs {
		if !ws.reqSet[i] {
			k = append(k, 0xff, 0xff, 0xff, 0xff)
			continue
		}
		k = binary.LittleEndian.AppendUint32(k, uint32(len(ws.req[i])))
		k = append(k, ws.req[i]...)
	}
	ws.key = k
	return k
}

// fastPod decodes and converts one pod. Its requests come from the last few distinct request
// inputs seen when they match byte for byte (replicas follow one another in a kubectl list),
// and are otherwise computed by convertPod as for any pod.
func fastPod(ws *workerScratch, raw []byte) (snapshot.Pod, narrowType, error) {
	p, err := walkPodNoRequests(ws, raw)
	if err != nil {
		return snapshot.Pod{}, narrowType{}, err
	}
	key := ws.requestKey()
	if reqs, ok := ws.requests.get(key); ok {
		p.toAPIInto(&ws.pod)
		return convertPodRequests(&ws.pod, reqs), p.narrowType, nil
	}
	if err := ws.decodeRequestInputs(&p); err != nil {
		return snapshot.Pod{}, narrowType{}, err
	}
	p.toAPIInto(&ws.pod)
	sp := convertPod(&ws.pod)
	ws.requests.put(key, sp.Requests)
	return sp, p.narrowType, nil
}

// requestCache remembers the requests of the last requestCacheSize distinct request inputs.
type requestCache struct {
	m    map[string]snapshot.Resources
	fifo []string
	next int
}

const requestCacheSize = 256

func (c *requestCache) get(key []byte) (snapshot.Resources, bool) {
	r, ok := c.m[string(key)]
	return r, ok
}

func (c *requestCache) put(key []byte, r snapshot.Resources) {
	if c.m == nil {
		c.m = make(map[string]snapshot.Resources, requestCacheSize)
		c.fifo = make([]string, requestCacheSize)
	}
	if old := c.fifo[c.next]; old != "" {
		delete(c.m, old)
	}
	k := string(key)
	c.m[k] = r
	c.fifo[c.next] = k
	c.next = (c.next + 1) % requestCacheSize
}

type walker struct {
	dec *jsontext.Decoder
	ws  *workerScratch
	err error
}

func (w *walker) fail(err error) {
	if w.err == nil {
		w.err = err
	}
}

// object walks the members of an object (null is an empty one, as Unmarshal has it). member
// reads the value of a known name and returns true, or returns false for an unknown one, which is
// skipped; known lists the names member knows, for the case check.
func (w *walker) object(member func(name []byte) bool, known ...string) {
	if w.err != nil {
		return
	}
	tok, err := w.dec.ReadToken()
	if err != nil {
		w.fail(err)
		return
	}
	switch tok.Kind() {
	case 'n':
		return
	case '{':
	default:
		w.fail(errDecline) // a type error: the exact path words it
		return
	}
	var seen uint64
	for w.err == nil && w.dec.PeekKind() == '"' {
		v, err := w.dec.ReadValue()
		if err != nil {
			w.fail(err)
			return
		}
		name := v[1 : len(v)-1]
		if bytes.IndexByte(name, '\\') >= 0 {
			w.fail(errDecline) // an escaped name might spell a known one
			return
		}
		// name is the decoder's buffer, which reading the value may overwrite.
		bit := uint64(1) << knownIndex(known, name)
		if member(name) {
			if seen&bit != 0 {
				w.fail(errDecline)
				return
			}
			seen |= bit
			continue
		}
		if foldsToAny(name, known) {
			w.fail(errDecline)
			return
		}
		if err := w.dec.SkipValue(); err != nil {
			w.fail(err)
			return
		}
	}
	if w.err != nil {
		return
	}
	if _, err := w.dec.ReadToken(); err != nil {
		w.fail(err)
	}
}

// foldsToAny reports whether name equals one of known under Unicode case folding, as
// encoding/json matches names. An ASCII name can only fold to a name of its own length.
func foldsToAny(name []byte, known []string) bool {
	ascii := true
	for _, c := range name {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	for _, k := range known {
		if (!ascii || len(k) == len(name)) && strings.EqualFold(string(name), k) {
			return true
		}
	}
	return false
}

func knownIndex(known []string, name []byte) int {
	for i, k := range known {
		if k == string(name) {
			return i
		}
	}
	return 63
}

// array walks the elements of an array (null is none) calling elem for each.
func (w *walker) array(elem func()) {
	if w.err != nil {
		return
	}
	tok, err := w.dec.ReadToken()
	if err != nil {
		w.fail(err)
		return
	}
	switch tok.Kind() {
	case 'n':
		return
	case '[':
	default:
		w.fail(errDecline)
		return
	}
	for w.err == nil && w.dec.PeekKind() != ']' {
		if w.dec.PeekKind() == 0 {
			w.fail(errDecline)
			return
		}
		elem()
	}
	if w.err != nil {
		return
	}
	if _, err := w.dec.ReadToken(); err != nil {
		w.fail(err)
	}
}

// value decodes the next value into v with the library.
func (w *walker) value(v any) {
	if w.err != nil {
		return
	}
	if err := jsonv2.UnmarshalDecode(w.dec, v, fastDecodeOptions); err != nil {
		w.fail(err)
	}
}

// str reads a string; null leaves it empty, anything else is a type error.
func (w *walker) str(s *string) {
	if w.err != nil {
		return
	}
	if w.dec.PeekKind() != '"' {
		tok, err := w.dec.ReadToken()
		switch {
		case err != nil:
			w.fail(err)
		case tok.Kind() != 'n':
			w.fail(errDecline)
		}
		return
	}
	raw, err := w.dec.ReadValue()
	if err != nil {
		w.fail(err)
		return
	}
	*s = w.ws.string(raw)
}

// strAs reads a string into a field of a string type (a phase, an operator).
func strAs[S ~string](w *walker, s *S) {
	var v string
	w.str(&v)
	*s = S(v)
}

// list reads an array element by element with elem; null gives nil and [] an empty slice, as
// Unmarshal does.
func list[T any](w *walker, elem func(*T)) []T {
	if w.err != nil {
		return nil
	}
	if w.dec.PeekKind() == 'n' {
		w.array(nil) // consumes the null
		return nil
	}
	out := []T{}
	w.array(func() {
		// Decoded in place: a local passed to elem would be allocated on the heap each time.
		var zero T
		out = append(out, zero)
		elem(&out[len(out)-1])
	})
	return out
}

// string returns the string a JSON string literal holds. The same few hundred names and values
// (label keys, namespaces, condition types, owner kinds) fill every pod, so each goroutine keeps a
// bounded table of those it has seen and hands out the same string again instead of a new one.
func (ws *workerScratch) string(raw []byte) string {
	v := raw[1 : len(raw)-1]
	if bytes.IndexByte(v, '\\') >= 0 || !utf8.Valid(v) {
		// Escapes and invalid UTF-8 (which the decoder replaces) take the library's way.
		var s string
		_ = jsonv2.Unmarshal(raw, &s, fastDecodeOptions) // raw was validated by ReadValue
		return s
	}
	if s, ok := ws.strs[string(v)]; ok {
		return s
	}
	s := string(v)
	if ws.strs == nil {
		ws.strs = make(map[string]string, 1024)
	}
	if len(ws.strs) < workerStrings {
		ws.strs[s] = s
	}
	return s
}

// workerStrings bounds a goroutine's table of strings: enough for the vocabulary of a cluster's
// pods, never growing with their number.
const workerStrings = 1 << 14

// strMap reads an object of strings (labels, a nodeSelector). Like Unmarshal, {} gives an empty
// map and null none.
func (w *walker) strMap(m *map[string]string) {
	if w.err != nil {
		return
	}
	if w.dec.PeekKind() == 'n' {
		w.array(nil) // consumes the null
		return
	}
	if w.dec.PeekKind() != '{' {
		w.fail(errDecline)
		return
	}
	*m = map[string]string{}
	w.entries(func(key string) {
		var v string
		w.str(&v)
		(*m)[key] = v
	})
}

// entries walks the members of an object whose names are data (map keys), not fields.
func (w *walker) entries(each func(key string)) {
	if _, err := w.dec.ReadToken(); err != nil { // {
		w.fail(err)
		return
	}
	for w.err == nil && w.dec.PeekKind() == '"' {
		raw, err := w.dec.ReadValue()
		if err != nil {
			w.fail(err)
			return
		}
		each(w.ws.string(raw))
	}
	if w.err != nil {
		return
	}
	if _, err := w.dec.ReadToken(); err != nil {
		w.fail(err)
	}
}

// resourceList reads quantities by resource name, each through resource.Quantity's own
// UnmarshalJSON, which is what Unmarshal calls too.
func (w *walker) resourceList(l *corev1.ResourceList) {
	if w.err != nil {
		return
	}
	if w.dec.PeekKind() == 'n' {
		w.array(nil)
		return
	}
	if w.dec.PeekKind() != '{' {
		w.fail(errDecline)
		return
	}
	*l = corev1.ResourceList{}
	w.entries(func(key string) {
		raw, err := w.dec.ReadValue()
		if err != nil {
			w.fail(err)
			return
		}
		var q resource.Quantity
		if err := q.UnmarshalJSON(raw); err != nil {
			w.fail(err)
			return
		}
		(*l)[corev1.ResourceName(key)] = q
	})
}

func (w *walker) resources(r *corev1.ResourceRequirements) {
	w.object(func(name []byte) bool {
		switch string(name) {
		case "limits":
			w.resourceList(&r.Limits)
		case "requests":
			w.resourceList(&r.Requests)
		case "claims":
			w.value(&r.Claims)
		default:
			return false
		}
		return true
	}, "limits", "requests", "claims")
}

// boolPtr reads an optional boolean.
func (w *walker) boolPtr(b **bool) {
	if w.err != nil {
		return
	}
	tok, err := w.dec.ReadToken()
	switch {
	case err != nil:
		w.fail(err)
	case tok.Kind() == 't' || tok.Kind() == 'f':
		v := tok.Bool()
		*b = &v
	case tok.Kind() == 'n':
		*b = nil
	default:
		w.fail(errDecline)
	}
}

func (w *walker) ownerReferences() []metav1.OwnerReference {
	return list(w, func(r *metav1.OwnerReference) {
		w.object(func(name []byte) bool {
			switch string(name) {
			case "apiVersion":
				w.str(&r.APIVersion)
			case "kind":
				w.str(&r.Kind)
			case "name":
				w.str(&r.Name)
			case "uid":
				strAs(w, &r.UID)
			case "controller":
				w.boolPtr(&r.Controller)
			case "blockOwnerDeletion":
				w.boolPtr(&r.BlockOwnerDeletion)
			default:
				return false
			}
			return true
		}, "apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion")
	})
}

func (w *walker) tolerations() []corev1.Toleration {
	return list(w, func(t *corev1.Toleration) {
		w.object(func(name []byte) bool {
			switch string(name) {
			case "key":
				w.str(&t.Key)
			case "operator":
				strAs(w, &t.Operator)
			case "value":
				w.str(&t.Value)
			case "effect":
				strAs(w, &t.Effect)
			case "tolerationSeconds":
				w.value(&t.TolerationSeconds)
			default:
				return false
			}
			return true
		}, "key", "operator", "value", "effect", "tolerationSeconds")
	})
}

// time reads a metav1.Time through its own UnmarshalJSON, as Unmarshal does.
func (w *walker) time(t *metav1.Time) {
	if w.err != nil {
		return
	}
	raw, err := w.dec.ReadValue()
	if err != nil {
		w.fail(err)
		return
	}
	if err := t.UnmarshalJSON(raw); err != nil {
		w.fail(err)
	}
}

func (w *walker) meta(m *narrowMeta) {
	w.object(func(name []byte) bool {
		switch string(name) {
		case "name":
			w.str(&m.Name)
		case "namespace":
			w.str(&m.Namespace)
		case "labels":
			w.strMap(&m.Labels)
		case "ownerReferences":
			m.OwnerReferences = w.ownerReferences()
		case "creationTimestamp":
			w.time(&m.CreationTimestamp)
		case "deletionTimestamp":
			w.value(&m.DeletionTimestamp)
		default:
			return false
		}
		return true
	}, "name", "namespace", "labels", "ownerReferences", "creationTimestamp", "deletionTimestamp")
}

func (w *walker) podSpec(p *narrowPod) {
	s := &p.Spec
	w.object(func(name []byte) bool {
		switch string(name) {
		case "nodeName":
			w.str(&s.NodeName)
		case "priorityClassName":
			w.str(&s.PriorityClassName)
		case "tolerations":
			s.Tolerations = w.tolerations()
		case "nodeSelector":
			w.strMap(&s.NodeSelector)
		case "affinity":
			w.value(&s.Affinity)
		case "topologySpreadConstraints":
			w.value(&s.TopologySpreadConstraints)
		case "containers":
			w.requestInput(reqContainers)
		case "initContainers":
			w.requestInput(reqInitContainers)
		case "overhead":
			w.requestInput(reqOverhead)
		case "resources":
			w.requestInput(reqResources)
		default:
			return false
		}
		return true
	}, "nodeName", "priorityClassName", "tolerations", "nodeSelector", "affinity", "topologySpreadConstraints",
		"containers", "initContainers", "overhead", "resources")
}

func (w *walker) containers() []narrowContainer {
	return list(w, func(c *narrowContainer) {
		w.object(func(name []byte) bool {
			switch string(name) {
			case "name":
				w.str(&c.Name)
			case "resources":
				w.resources(&c.Resources)
			case "restartPolicy":
				w.value(&c.RestartPolicy)
			default:
				return false
			}
			return true
		}, "name", "resources", "restartPolicy")
	})
}

func (w *walker) podStatus(p *narrowPod) {
	s := &p.Status
	w.object(func(name []byte) bool {
		switch string(name) {
		case "phase":
			strAs(w, &s.Phase)
		case "conditions":
			s.Conditions = list(w, func(c *podConditionLite) {
				w.object(func(name []byte) bool {
					switch string(name) {
					case "type":
						strAs(w, &c.Type)
					case "status":
						strAs(w, &c.Status)
					case "reason":
						w.str(&c.Reason)
					case "message":
						w.str(&c.Message)
					default:
						return false
					}
					return true
				}, "type", "status", "reason", "message")
			})
		case "containerStatuses":
			s.ContainerStatuses = w.containerStatuses()
		case "initContainerStatuses":
			s.InitContainerStatuses = w.containerStatuses()
		default:
			return false
		}
		return true
	}, "phase", "conditions", "containerStatuses", "initContainerStatuses")
}

func (w *walker) containerStatuses() []narrowContainerStatus {
	return list(w, func(c *narrowContainerStatus) {
		w.object(func(name []byte) bool {
			switch string(name) {
			case "restartCount":
				w.value(&c.RestartCount)
			case "state":
				w.object(func(name []byte) bool {
					if string(name) != "waiting" {
						return false
					}
					w.value(&c.State.Waiting)
					return true
				}, "waiting")
			default:
				return false
			}
			return true
		}, "restartCount", "state")
	})
}
