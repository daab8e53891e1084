package kube

import (
	"bytes"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/protobuf"
	"k8s.io/client-go/kubernetes/scheme"
)

// wire encodes a pod list as the API server sends it: protobuf, or JSON.
func wire(t testing.TB, cont string, pods int, format string) []byte {
	t.Helper()
	l := &corev1.PodList{TypeMeta: metav1.TypeMeta{Kind: "PodList", APIVersion: "v1"},
		ListMeta: metav1.ListMeta{ResourceVersion: "42", Continue: cont}}
	for i := range pods {
		l.Items = append(l.Items, corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: strings.Repeat("p", i+1), Namespace: "default",
			Labels: map[string]string{"app": "x"}}, Spec: corev1.PodSpec{NodeName: "aks-system-1"}})
	}
	var enc runtime.Encoder = protobuf.NewSerializer(scheme.Scheme, scheme.Scheme)
	if format == "json" {
		enc = scheme.Codecs.LegacyCodec(corev1.SchemeGroupVersion)
	}
	var b bytes.Buffer
	if err := enc.Encode(l, &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestContinueToken(t *testing.T) {
	tests := []struct {
		name     string
		body     []byte
		wantCont string
		wantOK   bool
	}{
		{"protobuf page with a token", wire(t, "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDJ9", 3, "protobuf"), "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDJ9", true},
		{"protobuf last page", wire(t, "", 3, "protobuf"), "", true},
		{"protobuf empty list", wire(t, "", 0, "protobuf"), "", true},
		{"JSON is decoded instead", wire(t, "abc", 1, "json"), "", false},
		{"truncated envelope", wire(t, "abc", 1, "protobuf")[:6], "", false},
		{"magic only", []byte("k8s\x00"), "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cont, ok := continueToken(tt.body)
			if cont != tt.wantCont || ok != tt.wantOK {
				t.Errorf("continueToken = %q, %v; want %q, %v", cont, ok, tt.wantCont, tt.wantOK)
			}
		})
	}
}

// FuzzContinueToken: any body, cut anywhere, gives no panic, and a token only when it is the one
// the decoder finds.
func FuzzContinueToken(f *testing.F) {
	f.Add(wire(f, "abc", 2, "protobuf"), 0)
	f.Add(wire(f, "", 1, "protobuf"), 0)
	f.Add(wire(f, "abc", 1, "json"), 0)
	f.Fuzz(func(t *testing.T, body []byte, cut int) {
		if cut > 0 && cut < len(body) {
			body = body[:cut]
		}
		cont, ok := continueToken(body)
		if !ok || cont == "" {
			return
		}
		var l corev1.PodList
		if _, _, err := protobuf.NewSerializer(scheme.Scheme, scheme.Scheme).Decode(body, nil, &l); err == nil && l.Continue != cont {
			t.Errorf("continueToken = %q, the decoder reads %q", cont, l.Continue)
		}
	})
}
