package cli

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/syspool/syspool/internal/checks"
	"github.com/syspool/syspool/internal/iostreams"
	"github.com/syspool/syspool/internal/report"
	"github.com/syspool/syspool/internal/rule"
)

type rulesOptions struct {
	IO     *iostreams.IOStreams
	Output string
	ID     string
}

func newCmdRules(sys System, runF func(context.Context, *rulesOptions) error) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List and explain the rule catalog",
	}
	listOpts := &rulesOptions{IO: sys.IO}
	list := &cobra.Command{
		Use:   "list",
		Short: "List every rule with its default severity",
		Example: `  syspool rules list
  syspool rules list -o markdown > docs/rules.md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(cmd.Context(), listOpts)
			}
			return runRulesList(listOpts)
		},
	}
	list.Flags().StringVarP(&listOpts.Output, "output", "o", "table", "output format: "+strings.Join(report.CatalogNames, "|"))
	_ = list.RegisterFlagCompletionFunc("output", fixedCompletion(report.CatalogNames...))

	explainOpts := &rulesOptions{IO: sys.IO}
	explain := &cobra.Command{
		Use:     "explain RULE-ID",
		Short:   "Explain one rule: rationale, thresholds, remediation and sources",
		Example: `  syspool rules explain SP011`,
		Args:    cobra.ExactArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			reg, err := rule.NewRegistry(checks.All())
			if err != nil {
				return nil, cobra.ShellCompDirectiveError
			}
			return reg.IDs(), cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			explainOpts.ID = args[0]
			if runF != nil {
				return runF(cmd.Context(), explainOpts)
			}
			return runRulesExplain(explainOpts)
		},
	}
	cmd.AddCommand(list, explain)
	return cmd
}

func runRulesList(opts *rulesOptions) error {
	reg, err := rule.NewRegistry(checks.All())
	if err != nil {
		return err
	}
	if err := report.WriteCatalog(opts.IO.Out, opts.Output, reg.All()); err != nil {
		if strings.HasPrefix(err.Error(), "unknown output format") {
			return usageError(&flagError{err})
		}
		return err
	}
	return nil
}

func runRulesExplain(opts *rulesOptions) error {
	reg, err := rule.NewRegistry(checks.All())
	if err != nil {
		return err
	}
	r, ok := reg.Get(opts.ID)
	if !ok {
		return usageErrorf("unknown rule %q (valid: %s)", opts.ID, strings.Join(reg.IDs(), ", "))
	}
	return report.Explain(opts.IO.Out, r)
}
