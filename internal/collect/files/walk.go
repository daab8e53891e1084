package files

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// osFS opens native paths exactly as the user typed them (absolute, "..", Windows drive letters),
// which os.DirFS cannot: its names must be relative and slash-separated.
type osFS struct{}

func (osFS) Open(name string) (fs.File, error) { return os.Open(name) }

// inputFS pairs a file system with the path syntax it uses.
type inputFS struct {
	fsys fs.FS
	join func(elem ...string) string
}

func newInputFS(fsys fs.FS) inputFS {
	if fsys == nil {
		return inputFS{fsys: osFS{}, join: filepath.Join}
	}
	return inputFS{fsys: fsys, join: path.Join}
}

// skipInWalk tells which names a directory walk leaves out: notes and READMEs sit beside captures
// in examples/, and hidden files are editor or VCS litter. A file named explicitly is always read.
func skipInWalk(name string) bool {
	return strings.HasPrefix(name, ".") ||
		strings.HasPrefix(strings.ToUpper(name), "README") ||
		strings.EqualFold(path.Ext(name), ".md")
}

// resolve expands the user's paths into the files to read, in a deterministic order: each path in
// the order given, directories walked depth-first with entries sorted by name. A file reached twice
// is read once. walked holds the files found by walking a directory rather than named by the user.
func (in inputFS) resolve(paths []string) (out []string, walked map[string]bool, err error) {
	if len(paths) == 0 {
		return nil, nil, &InputError{Msg: "no input files given; pass az, ARM or kubectl JSON/YAML files or directories"}
	}
	seen := map[string]bool{}
	walked = map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, p := range paths {
		st, err := fs.Stat(in.fsys, p)
		if err != nil {
			return nil, nil, &InputError{Path: p, Msg: "cannot read: " + describeFSError(err), Err: err}
		}
		if !st.IsDir() {
			add(p)
			continue
		}
		before := len(out)
		if err := in.walk(p, func(f string) {
			if !seen[f] {
				walked[f] = true
			}
			add(f)
		}); err != nil {
			return nil, nil, err
		}
		if len(out) == before {
			return nil, nil, &InputError{Path: p, Msg: "directory holds no input files; expected az, ARM or kubectl JSON/YAML files"}
		}
	}
	return out, walked, nil
}

func (in inputFS) walk(dir string, add func(string)) error {
	entries, err := fs.ReadDir(in.fsys, dir)
	if err != nil {
		return &InputError{Path: dir, Msg: "cannot list directory: " + describeFSError(err), Err: err}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	for _, e := range entries {
		if skipInWalk(e.Name()) {
			continue
		}
		p := in.join(dir, e.Name())
		switch {
		case e.IsDir():
			if err := in.walk(p, add); err != nil {
				return err
			}
		case e.Type().IsRegular():
			add(p)
		case e.Type()&fs.ModeSymlink != 0:
			// Follow links to files, as a user who points at a directory of links expects.
			if st, err := fs.Stat(in.fsys, p); err == nil && st.Mode().IsRegular() {
				add(p)
			}
		}
	}
	return nil
}

func describeFSError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
