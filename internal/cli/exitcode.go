package cli

import (
	"context"
	"errors"
	"fmt"
)

// ExitCode is the process exit status. All codes live here so pipelines can rely on them.
type ExitCode int

const (
	// ExitOK: the run finished, nothing failed at or above --fail-on, all data was read.
	ExitOK ExitCode = 0
	// ExitFindings: at least one unwaived finding at or above --fail-on.
	ExitFindings ExitCode = 1
	// ExitUsage: bad flags or arguments, or input that could not be read; no verdict was made.
	ExitUsage ExitCode = 2
	// ExitIncomplete: no finding at or above --fail-on, but some rules could not be evaluated
	// because data was missing or unreadable. Never reported as a clean pass.
	ExitIncomplete ExitCode = 3
	// ExitInterrupted: the run was cancelled (Ctrl-C, SIGTERM) before it finished: no verdict and
	// no report. 130 is what shells report for a process ended by SIGINT (128 + 2), so scripts
	// that already treat 130 as "interrupted" keep working.
	ExitInterrupted ExitCode = 130
)

// exitError carries an exit code through cobra's RunE.
type exitError struct {
	code ExitCode
	err  error
	// silent errors were already reported (e.g. findings printed in the report).
	silent bool
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError marks err as a usage or input error (exit 2).
func usageError(err error) error { return &exitError{code: ExitUsage, err: err} }

// usageErrorf formats a usage error.
func usageErrorf(format string, a ...any) error { return usageError(fmt.Errorf(format, a...)) }

// withCode returns an already-reported outcome that only sets the exit code.
func withCode(c ExitCode) error {
	if c == ExitOK {
		return nil
	}
	return &exitError{code: c, silent: true}
}

// codeOf maps an error from a command to its exit code and says whether to print it.
func codeOf(err error) (ExitCode, bool) {
	if err == nil {
		return ExitOK, false
	}
	// Cancellation wins over whatever the command wrapped it in (an input error, a failed
	// write): the run was stopped, not judged.
	if errors.Is(err, context.Canceled) {
		return ExitInterrupted, true
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code, !ee.silent
	}
	// Anything else is an input or usage problem: no verdict was reached.
	return ExitUsage, true
}

// describeErr is the message printed for err: a cancellation says that the run was interrupted
// and by what (signal.NotifyContext records the signal as the cause), not "context canceled".
func describeErr(ctx context.Context, err error) string {
	if !errors.Is(err, context.Canceled) {
		return err.Error()
	}
	why := "cancelled"
	if cause := context.Cause(ctx); cause != nil && cause != context.Canceled {
		why = cause.Error()
	}
	return "interrupted (" + why + ") before the run finished: no verdict was reached"
}
