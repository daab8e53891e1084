package files

import (
	"errors"
	"fmt"
	"strings"
)

// InputError is a problem with the user's input files: malformed or truncated JSON/YAML, content
// of an unknown kind, values that do not parse, or files that describe different clusters. The CLI
// maps it to the usage/input exit code; everything else is an internal or I/O failure.
type InputError struct {
	// Path is the file as the user named it (or as found by walking a directory they named).
	Path string
	// Line and Col are 1-based; zero when the problem has no single position (Col alone may be 0
	// for YAML, whose parser reports lines only). Col counts bytes, as the Go toolchain does.
	Line, Col int
	Msg       string
	// Err is the underlying error, when there is one worth unwrapping.
	Err error
}

func (e *InputError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Col > 0 {
			fmt.Fprintf(&b, ":%d", e.Col)
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func (e *InputError) Unwrap() error { return e.Err }

// acceptedKinds is spelled out in every "unknown content" error so the user learns what to capture
// instead of guessing.
const acceptedKinds = "az aks show -o json, az aks nodepool list/show -o json, " +
	"the ARM managedClusters or agentPools JSON, " +
	"kubectl get nodes|pods|pdb|deployments|daemonsets|statefulsets -o json|yaml, " +
	"or a syspool snapshot"

const emptyFileMsg = "file is empty; expected az, ARM or kubectl JSON/YAML"

// errEmptyFile marks an InputError about a file with nothing in it at all.
var errEmptyFile = errors.New("empty file")
