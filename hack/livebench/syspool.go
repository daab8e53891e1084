package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/syspool/syspool/internal/cli"
	"github.com/syspool/syspool/internal/collect/live/livetest"
)

// syspool runs `syspool ARGS...` with ARM served from the capture in --az.
func syspool(ctx context.Context, args []string, stderr io.Writer) int {
	fs := flag.NewFlagSet("livebench syspool", flag.ContinueOnError)
	fs.SetOutput(stderr)
	az := fs.String("az", "", "capture directory holding cluster.json (az aks show) and nodepools.json (az aks nodepool list)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *az == "" {
		fmt.Fprintln(stderr, "livebench syspool: --az DIR is required")
		return 2
	}
	show, err := os.ReadFile(filepath.Join(*az, "cluster.json"))
	if err != nil {
		fmt.Fprintf(stderr, "livebench syspool: %v\n", err)
		return 2
	}
	pools, err := os.ReadFile(filepath.Join(*az, "nodepools.json"))
	if err != nil {
		fmt.Fprintf(stderr, "livebench syspool: %v\n", err)
		return 2
	}
	arm, err := livetest.NewARM(show, pools)
	if err != nil {
		fmt.Fprintf(stderr, "livebench syspool: serve the capture as ARM: %v\n", err)
		return 2
	}
	defer arm.Close()
	sys := cli.NewSystem()
	sys.ProgName = "syspool"
	sys.Live = cli.LiveDeps{
		AzureCredential:    func() (azcore.TokenCredential, error) { return arm.Credential(), nil },
		AzureClientOptions: arm.Options(),
	}
	return cli.Main(ctx, fs.Args(), sys)
}
