// Command syspool audits, gates and plans the system node pool of AKS clusters.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/syspool/syspool/internal/cli"
)

// graceAfterSignal is how long a cancelled run may take to stop on its own. Collection and
// output watch the context, but a long rule evaluation does not, and a tool that ignores Ctrl-C
// or a CI runner's SIGTERM is worse than one that stops without cleaning up.
const graceAfterSignal = 5 * time.Second

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	signalled := make(chan struct{})
	go func() {
		<-ctx.Done()
		select {
		case <-signalled: // the run finished; stop() cancelled the context
			return
		default:
		}
		stop() // a second signal now gets the default behaviour and ends the process at once
		time.Sleep(graceAfterSignal)
		fmt.Fprintln(os.Stderr, "syspool: interrupted; stopping without waiting for the run to finish")
		os.Exit(130) // the exit code cli documents for an interrupted run
	}()
	code := cli.Main(ctx, os.Args[1:], cli.NewSystem())
	close(signalled)
	stop()
	os.Exit(code)
}
