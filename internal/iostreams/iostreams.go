// Package iostreams owns the process's standard streams and the terminal facts derived from them
// (TTY, colour, width), so commands never touch os.Stdout directly and tests can capture output.
package iostreams

import (
	"bytes"
	"io"
	"os"
)

// IOStreams are the standard streams plus what is known about the terminal behind them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdoutTTY bool
	stderrTTY bool
	color     bool
}

// System returns streams bound to the process, with colour only on a terminal and never when
// NO_COLOR is set (https://no-color.org) or TERM is "dumb".
func System() *IOStreams {
	outTTY := isTerminal(os.Stdout)
	errTTY := isTerminal(os.Stderr)
	color := outTTY && os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb"
	if os.Getenv("CLICOLOR_FORCE") != "" && os.Getenv("CLICOLOR_FORCE") != "0" && os.Getenv("NO_COLOR") == "" {
		color = true
	}
	return &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, stdoutTTY: outTTY, stderrTTY: errTTY, color: color}
}

// Test returns streams backed by buffers: no TTY, no colour.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// IsStdoutTTY reports whether standard output is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// IsStderrTTY reports whether standard error is a terminal (progress goes there, only then).
func (s *IOStreams) IsStderrTTY() bool { return s.stderrTTY }

// ColorEnabled reports whether output may contain ANSI colour.
func (s *IOStreams) ColorEnabled() bool { return s.color }

// SetColorEnabled forces colour on or off (the --color flag, tests).
func (s *IOStreams) SetColorEnabled(v bool) { s.color = v }

// SetStdoutTTY marks stdout as a terminal (tests).
func (s *IOStreams) SetStdoutTTY(v bool) { s.stdoutTTY = v }

// SetStderrTTY marks stderr as a terminal (tests).
func (s *IOStreams) SetStderrTTY(v bool) { s.stderrTTY = v }

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	return fi.Mode()&os.ModeCharDevice != 0
}
