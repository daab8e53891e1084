package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/syspool/syspool/internal/iostreams"
)

// writeOutput renders to standard output, or to path through a temporary file in the same
// directory that is renamed into place only after a complete write, so a failed or interrupted
// run never leaves a half-written report behind. The file gets the permissions a plain create
// would (0666 less the umask), or keeps those of the file it replaces: reports are artifacts
// that CI uploaders and colleagues read.
func writeOutput(ios *iostreams.IOStreams, path string, render func(io.Writer) error) error {
	if path == "" || path == "-" {
		return render(ios.Out)
	}
	fail := func(err error) error {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			// The temporary file's name means nothing to the user; the directory does.
			err = fmt.Errorf("%s: %w", filepath.Dir(path), pe.Err)
		}
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp, err := createTemp(path)
	if err != nil {
		return fail(err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if err := render(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if fi, err := os.Stat(path); err == nil {
		if err := tmp.Chmod(fi.Mode().Perm()); err != nil {
			tmp.Close()
			return fail(err)
		}
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fail(err)
	}
	return nil
}

// createTemp creates a new file beside path. Unlike os.CreateTemp, which makes files 0600, it asks
// for 0666 and lets the umask decide, as creating path directly would.
func createTemp(path string) (*os.File, error) {
	dir, base := filepath.Dir(path), filepath.Base(path)
	for range 100 {
		name := filepath.Join(dir, "."+base+"."+strconv.FormatUint(uint64(rand.Uint32()), 10)+".tmp")
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, fmt.Errorf("cannot create a temporary file in %s", dir)
}

func fixedCompletion(values ...string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	}
}
