package snapshot

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// DigestPrefix names the hash algorithm of Snapshot.Digest, OCI style, so a later algorithm can be
// told apart from this one.
const DigestPrefix = "sha256:"

// Canonical returns the canonical encoding of s, the bytes its digest is computed over: exactly
// what Encode writes (indented JSON in struct field order, map keys sorted, no HTML escaping, one
// trailing newline) for s with its Digest emptied, which omits the field. A missing Coverage is
// written as {} and a missing schema version as the current one, because that is how Decode and
// Encode normalise them; any other choice would make a decoded snapshot hash differently from the
// one that was sealed. s is not modified.
//
// The definition is deliberately "our own encoder's output", not a general JSON canonicalisation
// such as RFC 8785: Verify also insists that the file's bytes are this encoding (plus the digest),
// so any edit at all, even one that leaves the decoded values unchanged, is detected.
func Canonical(s *Snapshot) ([]byte, error) {
	c := normalized(s)
	c.Digest = ""
	var buf bytes.Buffer
	if err := Encode(&buf, &c); err != nil {
		return nil, fmt.Errorf("encode snapshot: %w", err)
	}
	return buf.Bytes(), nil
}

// ContentDigest returns "sha256:<hex>" of Canonical(s). It ignores s.Digest, so it can be compared
// with it.
func ContentDigest(s *Snapshot) (string, error) {
	// Streamed into the hash: the canonical bytes of a large snapshot are never held.
	c := normalized(s)
	c.Digest = ""
	h := sha256.New()
	if err := Encode(h, &c); err != nil {
		return "", fmt.Errorf("encode snapshot: %w", err)
	}
	return DigestPrefix + hex.EncodeToString(h.Sum(nil)), nil
}

// Seal normalises s the way Canonical does and sets s.Digest, so that Encode(s) writes a file that
// Verify accepts.
func Seal(s *Snapshot) error {
	*s = normalized(s)
	d, err := ContentDigest(s)
	if err != nil {
		return err
	}
	s.Digest = d
	return nil
}

func normalized(s *Snapshot) Snapshot {
	c := *s
	if c.SchemaVersion == 0 {
		c.SchemaVersion = SchemaVersion
	}
	if c.Coverage == nil {
		c.Coverage = Coverage{}
	}
	return c
}

// VerifyError lists everything that does not match in a sealed snapshot. It is returned only for a
// snapshot that could be read; one that cannot be decoded at all fails with the decode error.
type VerifyError struct {
	// Recorded is the digest the file claims; Computed the digest of its decoded content.
	Recorded, Computed string
	Problems           []string
}

func (e *VerifyError) Error() string {
	return "snapshot does not verify: " + strings.Join(e.Problems, "; ")
}

// Verify decodes a saved snapshot and checks that it is exactly what Seal and Encode wrote: the
// recorded digest matches the digest of the content, and the bytes are the canonical encoding.
// The second check catches edits that decode to the same values (a reformatted file, a key
// spelled in another case, a duplicated key) which a reviewer could otherwise be shown unnoticed.
func Verify(data []byte) (*Snapshot, error) {
	s, err := Decode(data)
	if err != nil {
		return nil, err
	}
	ve := &VerifyError{Recorded: s.Digest}
	canonical, err := Canonical(s)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(canonical)
	ve.Computed = DigestPrefix + hex.EncodeToString(sum[:])
	switch {
	case s.Digest == "":
		ve.Problems = append(ve.Problems, "it has no digest: it was not written by `syspool snapshot` (or the digest field was removed)")
	case !validDigest(s.Digest):
		ve.Problems = append(ve.Problems, fmt.Sprintf("digest %q is not of the form sha256:<64 hex digits>", s.Digest))
	case s.Digest != ve.Computed:
		ve.Problems = append(ve.Problems, fmt.Sprintf("content does not match its digest: recorded %s, content hashes to %s (a value was changed after sealing)",
			s.Digest, ve.Computed))
	}
	want, err := sealedBytes(s, canonical)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(data, want) {
		ve.Problems = append(ve.Problems, "bytes are not the canonical encoding: "+firstDifference(data, want))
	}
	if len(ve.Problems) > 0 {
		return s, ve
	}
	return s, nil
}

// sealedBytes is what Encode writes for s, built from its canonical bytes: the digest is the last
// field, so the sealed file is the canonical one with `,\n  "digest": "…"` before the closing brace.
// This saves encoding a large snapshot twice; a digest that needs JSON escaping (never a valid one)
// takes the slow path.
func sealedBytes(s *Snapshot, canonical []byte) ([]byte, error) {
	tail := []byte("\n}\n")
	if s.Digest == "" || !validDigest(s.Digest) || !bytes.HasSuffix(canonical, tail) {
		var buf bytes.Buffer
		if err := Encode(&buf, s); err != nil {
			return nil, fmt.Errorf("encode snapshot: %w", err)
		}
		return buf.Bytes(), nil
	}
	out := make([]byte, 0, len(canonical)+len(s.Digest)+16)
	out = append(out, canonical[:len(canonical)-len(tail)]...)
	out = append(out, ",\n  \"digest\": \""...)
	out = append(out, s.Digest...)
	return append(out, "\"\n}\n"...), nil
}

func validDigest(d string) bool {
	h, ok := strings.CutPrefix(d, DigestPrefix)
	if !ok || len(h) != 2*sha256.Size {
		return false
	}
	_, err := hex.DecodeString(h)
	return err == nil && strings.ToLower(h) == h
}

// firstDifference names the first line where got and want differ, quoting both, so the person
// reading a failed verification can find the edit.
func firstDifference(got, want []byte) string {
	if bytes.Contains(got, []byte("\r\n")) && bytes.Equal(bytes.ReplaceAll(got, []byte("\r\n"), []byte("\n")), want) {
		return "line endings were converted to CRLF (git autocrlf?); store snapshots as binary (`*.snapshot.json -text` in .gitattributes)"
	}
	gl := bytes.Split(got, []byte("\n"))
	wl := bytes.Split(want, []byte("\n"))
	for i := 0; i < len(gl) || i < len(wl); i++ {
		var g, w []byte
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		switch {
		case i >= len(gl):
			return fmt.Sprintf("the file ends at line %d, expected %q", i+1, clip(w))
		case i >= len(wl):
			return fmt.Sprintf("line %d is extra: %q", i+1, clip(g))
		case !bytes.Equal(g, w):
			return fmt.Sprintf("line %d is %q, expected %q", i+1, clip(g), clip(w))
		}
	}
	return "the files differ" // unreachable: equal line lists mean equal bytes
}

func clip(b []byte) string {
	const max = 120
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
