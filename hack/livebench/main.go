// Command livebench is the live half of hack/bench.sh: it runs the generated cluster in a real
// etcd and kube-apiserver on loopback, and runs syspool against it with the Azure side served
// from the same capture.
//
//	livebench up --testbin DIR --state DIR --nodes N --pods N --pools N --seed N
//	livebench syspool --az DIR -- snapshot --subscription ... -g ... --cluster-name ... --kubeconfig ...
//	livebench memory --az DIR --kubeconfig FILE
//	livebench allocated --kubeconfig FILE
//
// up starts etcd and kube-apiserver (internal/kubetest.Launch), loads the cluster into them
// (internal/gen's Load, as `aksgen --kubeconfig` does), writes into the state directory what
// the measured clients need (kubeconfig; server, token and ca.crt for a bare HTTP client; the
// processes' ids in apiserver.pid and etcd.pid) and then "ready", and keeps the control plane
// running until it is sent SIGTERM or SIGINT. Killed outright, it takes etcd and kube-apiserver
// with it (they get SIGKILL when their parent dies).
//
// syspool runs syspool's command line in-process, exactly as cmd/syspool does, with the Azure
// side answered by a loopback ARM server that replays the capture's `az aks show` and
// `az aks nodepool list` files (cluster.json, nodepools.json) as ARM responses: the seam
// cli.System.Live that the CLI's own integration tests use, so the CLI needs no test-only flag.
//
// memory runs the same collection, seal and encoding as `syspool snapshot` one stage at a time,
// printing each stage's peak RSS and the live heap of the finished snapshot model.
//
// allocated prints the bytes the API server has allocated since it started, from its /metrics.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "livebench: give a command: up, syspool, memory or allocated")
		return 2
	}
	switch args[0] {
	case "up":
		return up(ctx, args[1:], stderr)
	case "syspool":
		return syspool(ctx, args[1:], stderr)
	case "memory":
		return memory(ctx, args[1:], os.Stdout, stderr)
	case "allocated":
		return allocated(ctx, args[1:], os.Stdout, stderr)
	}
	fmt.Fprintf(stderr, "livebench: unknown command %q; the commands are up, syspool, memory and allocated\n", args[0])
	return 2
}
