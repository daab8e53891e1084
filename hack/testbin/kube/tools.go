//go:build tools

// Package tools pins the Kubernetes control-plane commands that
// hack/testbin.sh builds for syspool's integration tests. The blank imports
// make `go mod tidy` record every module (and go.sum line) those commands
// need; without them the build fails with missing go.sum entries.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
