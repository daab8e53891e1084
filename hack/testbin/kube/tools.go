//go:build tools

// Package tools pins the Kubernetes commands that hack/testbin.sh builds:
// the control plane of syspool's integration tests, and the kubectl that
// hack/bench.sh measures. The blank imports
// make `go mod tidy` record every module (and go.sum line) those commands
// need; without them the build fails with missing go.sum entries.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
