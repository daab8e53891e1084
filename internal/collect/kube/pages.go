package kube

import (
	"bytes"
	"context"
	"encoding/binary"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
)

// request starts the list request of one page of resource through rc, the REST client of the
// resource's API group, which decodes what the typed clients decode.
func request(rc rest.Interface, resource string) fetch {
	return func(ctx context.Context, opts metav1.ListOptions) rest.Result {
		return rc.Get().Resource(resource).VersionedParams(&opts, scheme.ParameterCodec).Do(ctx)
	}
}

// fetch requests one page; the body is read, not yet decoded.
type fetch func(ctx context.Context, opts metav1.ListOptions) rest.Result

// convert decodes a page, converts its items into the snapshot and returns how many there were
// and the continue token. Items must not be kept: the page is dropped once convert returns.
type convert func(r rest.Result) (n int, cont string, err error)

// fetched is a page on its way from the request to convert.
type fetched struct {
	r rest.Result
	// tokenFromConvert means the continue token could not be read from the raw body, and the
	// fetcher waits for the one convert decodes.
	tokenFromConvert bool
	err              error
}

// pages reads one list from its start and returns how many objects and pages were converted.
//
// The next page is requested as soon as the continue token of the current one is known, which
// protobuf puts before the items, so the API server prepares page N+1 while page N is decoded
// and converted here: one request in flight, as in a plain paged list, and at most two pages of
// wire bytes and one decoded page in memory. A failed request ends the list after the pages
// before it were converted.
func (l *lister) pages(ctx context.Context, resource string, get fetch, conv convert) (n, pages int, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan fetched)
	tokens := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(ch)
		cont := ""
		for {
			r := get(ctx, l.c.listOptions(cont))
			f := fetched{r: r}
			body, err := r.Raw()
			if err != nil {
				f.err = r.Error()
			} else {
				cont, f.tokenFromConvert = "", true
				if c, ok := continueToken(body); ok {
					cont, f.tokenFromConvert = c, false
				}
			}
			select {
			case ch <- f:
			case <-ctx.Done():
				return
			}
			if f.err != nil {
				return
			}
			if f.tokenFromConvert {
				select {
				case cont = <-tokens:
				case <-ctx.Done():
					return
				}
			}
			if cont == "" {
				return
			}
		}
	}()
	// The fetcher must be gone before the caller resets or restarts the list.
	defer func() { cancel(); <-done }()
	for f := range ch {
		if f.err != nil {
			return n, pages, f.err
		}
		got, cont, err := conv(f.r)
		if err != nil {
			return n, pages, err
		}
		if f.tokenFromConvert {
			tokens <- cont
		}
		n += got
		pages++
		l.c.opts.Progress(resource, n, cont == "")
	}
	return n, pages, ctx.Err()
}

// protobufMagic starts every protobuf body of the Kubernetes API.
var protobufMagic = []byte("k8s\x00")

// continueToken reads metadata.continue from a protobuf list body without decoding its items:
// the body is a runtime.Unknown (field 2: the list), and a list's field 1 is its ListMeta. ok is
// false for anything else (a JSON body), which is then decoded before the next page is asked for.
func continueToken(body []byte) (cont string, ok bool) {
	if !bytes.HasPrefix(body, protobufMagic) {
		return "", false
	}
	list, found, ok := lengthDelimited(body[len(protobufMagic):], 2)
	if !found || !ok {
		return "", false
	}
	meta, found, ok := lengthDelimited(list, 1)
	switch {
	case !ok:
		return "", false
	case !found:
		// An empty ListMeta is left out: no continue token.
		return "", true
	}
	var lm metav1.ListMeta
	if err := lm.Unmarshal(meta); err != nil {
		return "", false
	}
	return lm.Continue, true
}

// lengthDelimited returns the first length-delimited field number num of a protobuf message.
// ok is false when the message is malformed up to that field.
func lengthDelimited(msg []byte, num uint64) (field []byte, found, ok bool) {
	for len(msg) > 0 {
		key, k := binary.Uvarint(msg)
		if k <= 0 {
			return nil, false, false
		}
		msg = msg[k:]
		var skip uint64
		switch key & 7 {
		case 0: // varint
			if _, k = binary.Uvarint(msg); k <= 0 {
				return nil, false, false
			}
			skip = uint64(k)
		case 1: // 64-bit
			skip = 8
		case 5: // 32-bit
			skip = 4
		case 2:
			size, k := binary.Uvarint(msg)
			if k <= 0 || size > uint64(len(msg)-k) {
				return nil, false, false
			}
			if key>>3 == num {
				return msg[k : k+int(size)], true, true
			}
			skip = uint64(k) + size
		default: // groups are not used by the Kubernetes API
			return nil, false, false
		}
		if skip > uint64(len(msg)) {
			return nil, false, false
		}
		msg = msg[skip:]
	}
	return nil, false, true
}
