package gen

import (
	"encoding/json"
	"strings"
	"testing"
)

// want is kubectl's own path: decode into maps, json.MarshalIndent at the given depth.
func want(t testing.TB, compact []byte, depth int) string {
	t.Helper()
	var v any
	if err := json.Unmarshal(compact, &v); err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(v, strings.Repeat(indentUnit, depth), indentUnit)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestLayoutMatchesMarshalIndent(t *testing.T) {
	tests := []struct{ name, in string }{
		{"scalar", `"x"`},
		{"empty object", `{}`},
		{"empty array", `[]`},
		{"nested empties", `{"a":{},"b":[],"c":[{}],"d":[[]]}`},
		{"sorted keys", `{"spec":1,"apiVersion":"v1","kind":"Pod","metadata":{"name":"a","annotations":{"z":"1","a":"2"}}}`},
		{"numbers and literals", `{"a":-1.5e3,"b":0,"c":true,"d":false,"e":null,"f":12345678901}`},
		{"escaped keys sort decoded", `{"k:{\"name\":\"a-b\"}":{},"k:{\"name\":\"a\"}":{},"f:x":{},".":{}}`},
		{"html escapes", `{"cmd":"a \u003c b \u0026\u0026 c \u003e d","\u003ckey":1}`},
		{"unicode", `{"é":"ü","a":"\u2028"}`},
		{"array order kept", `[3,1,2,{"b":1,"a":2}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Inputs are what encoding/json writes, as in the generator.
			var v any
			if err := json.Unmarshal([]byte(tt.in), &v); err != nil {
				t.Fatal(err)
			}
			compact, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			for _, depth := range []int{0, 2} {
				var l layout
				got, err := l.append(nil, compact, depth)
				if err != nil {
					t.Fatal(err)
				}
				if w := want(t, compact, depth); string(got) != w {
					t.Errorf("depth %d:\ngot  %s\nwant %s", depth, got, w)
				}
			}
		})
	}
}

func TestLayoutRejectsInvalid(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a"}`, `{"a":}`, `[1,]`, `{"a":1,}`, `"abc`, `{"a":1}x`, `[1 2]`, `nul`} {
		var l layout
		if _, err := l.append(nil, []byte(in), 0); err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func FuzzLayout(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"b":[1,{"z":null,"a":"x"}],"a":{"k:{\"n\":\"a\"}":{}}}`, `"\u003c"`, `1`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var l layout
		out, err := l.append(nil, data, 1) // must not panic, whatever the input
		if err == nil && json.Valid(data) && !json.Valid(out) {
			t.Fatalf("valid input %q laid out as invalid JSON %q", data, out)
		}
		var v any
		if json.Unmarshal(data, &v) != nil {
			return
		}
		// On encoding/json's own output, the layout is exactly MarshalIndent's.
		compact, err := json.Marshal(v)
		if err != nil {
			return
		}
		got, err := l.append(nil, compact, 1)
		if err != nil {
			t.Fatalf("%s: %v", compact, err)
		}
		if w := want(t, compact, 1); string(got) != w {
			t.Fatalf("%s:\ngot  %s\nwant %s", compact, got, w)
		}
	})
}
