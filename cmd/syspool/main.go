// Command syspool audits, gates and plans the system node pool of AKS clusters.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/syspool/syspool/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.NewSystem())
	stop()
	os.Exit(code)
}
