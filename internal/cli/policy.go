package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/syspool/syspool/internal/checks"
	"github.com/syspool/syspool/internal/iostreams"
	"github.com/syspool/syspool/internal/policy"
	"github.com/syspool/syspool/internal/rule"
)

type policyOptions struct {
	IO       *iostreams.IOStreams
	Baseline string
	File     string
	Force    bool
}

func newCmdPolicy(sys System, runF func(context.Context, *policyOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Write and validate policy files (thresholds, overrides, waivers)",
	}
	initOpts := &policyOptions{IO: sys.IO}
	initCmd := &cobra.Command{
		Use:   "init",
		Short: "Write a commented starting policy file",
		Example: `  syspool policy init > syspool-policy.yaml
  syspool policy init --baseline strict --file policy.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), initOpts)
			}
			return runPolicyInit(initOpts)
		},
	}
	initCmd.Flags().StringVar(&initOpts.Baseline, "baseline", policy.DefaultBaseline, "baseline to start from: "+strings.Join(policy.Baselines(), "|"))
	initCmd.Flags().StringVarP(&initOpts.File, "file", "f", "", "write to this file instead of standard output")
	initCmd.Flags().BoolVar(&initOpts.Force, "force", false, "overwrite --file if it exists")
	_ = initCmd.RegisterFlagCompletionFunc("baseline", fixedCompletion(policy.Baselines()...))

	valOpts := &policyOptions{IO: sys.IO}
	validate := &cobra.Command{
		Use:     "validate FILE",
		Short:   "Check a policy file: keys, rule IDs, thresholds, waivers",
		Example: `  syspool policy validate syspool-policy.yaml`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			valOpts.File = args[0]
			if runF != nil {
				return runF(cmd.Context(), valOpts)
			}
			return runPolicyValidate(valOpts)
		},
	}
	cmd.AddCommand(initCmd, validate)
	return cmd
}

func runPolicyInit(opts *policyOptions) error {
	reg, err := rule.NewRegistry(checks.All())
	if err != nil {
		return err
	}
	if _, err := policy.BaselineSource(opts.Baseline); err != nil {
		return usageError(&flagError{err})
	}
	if opts.File != "" && !opts.Force {
		if _, err := os.Stat(opts.File); err == nil {
			return usageErrorf("%s exists; use --force to overwrite it", opts.File)
		}
	}
	return writeOutput(opts.IO, opts.File, func(w io.Writer) error {
		return policy.WriteStarter(w, opts.Baseline, reg)
	})
}

func runPolicyValidate(opts *policyOptions) error {
	reg, err := rule.NewRegistry(checks.All())
	if err != nil {
		return err
	}
	if _, _, err := loadPolicy(opts.File, reg); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "%s: valid\n", opts.File)
	return nil
}

// loadPolicy reads the policy file (empty path: none) on top of its baseline.
func loadPolicy(path string, reg *rule.Registry) (base, user *policy.File, err error) {
	var data []byte
	if path != "" {
		data, err = os.ReadFile(path)
		if err != nil {
			return nil, nil, usageError(fmt.Errorf("read policy: %w", err))
		}
	}
	base, user, err = policy.Load(path, data, reg)
	if err != nil {
		var pe *policy.Error
		if errors.As(err, &pe) || data != nil {
			return nil, nil, usageError(err)
		}
		return nil, nil, err
	}
	return base, user, nil
}
