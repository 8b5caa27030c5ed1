package lint

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// StdinName is the file name findings give for input read from stdin.
const StdinName = "<stdin>"

// Source is one input file and its bytes.
type Source struct {
	Name string
	Data []byte
}

// manifestExts are the extensions read when walking a directory.
var manifestExts = map[string]bool{".yaml": true, ".yml": true, ".json": true}

// Load reads every path: a file whatever its extension, a directory
// recursively for .yaml, .yml and .json files, or "-" for stdin. A directory
// with no manifest file is an error naming it.
func Load(paths []string, stdin io.Reader) ([]Source, error) {
	var out []Source
	for _, p := range paths {
		srcs, err := loadOne(p, stdin)
		if err != nil {
			return nil, err
		}
		out = append(out, srcs...)
	}
	return out, nil
}

func loadOne(path string, stdin io.Reader) ([]Source, error) {
	if path == "-" {
		data, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("read stdin: %w", err)
		}
		return []Source{{Name: StdinName, Data: data}}, nil
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if !st.IsDir() {
		return readFile(path)
	}
	return loadDir(path)
}

func readFile(path string) ([]Source, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return []Source{{Name: path, Data: data}}, nil
}

// loadDir reads the manifest files under dir, in lexical order.
func loadDir(dir string) ([]Source, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && manifestExts[strings.ToLower(filepath.Ext(p))] {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read directory %s: %w", dir, err)
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("directory %s holds no .yaml, .yml or .json file", dir)
	}
	sort.Strings(files)
	var out []Source
	for _, f := range files {
		s, err := readFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, s...)
	}
	return out, nil
}
