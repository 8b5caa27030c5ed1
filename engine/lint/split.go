package lint

import (
	"bytes"
	"strings"
)

// document is one YAML document of a file, with the file line it starts on.
type document struct {
	index int // counted from 1 among non-empty documents
	line  int // first line of the document in the file, from 1
	raw   []byte
}

// splitDocuments splits a file on "---" separator lines, as kubectl does,
// and drops documents that hold only comments and blank lines.
func splitDocuments(data []byte) []document {
	var out []document
	var cur bytes.Buffer
	start := 1
	flush := func() {
		if hasContent(cur.Bytes()) {
			out = append(out, document{index: len(out) + 1, line: start, raw: append([]byte(nil), cur.Bytes()...)})
		}
		cur.Reset()
	}
	for i, line := range strings.Split(string(data), "\n") {
		if isSeparator(line) {
			flush()
			start = i + 2
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	flush()
	return out
}

// isSeparator reports whether line separates YAML documents.
func isSeparator(line string) bool {
	if !strings.HasPrefix(line, "---") {
		return false
	}
	rest := strings.TrimSpace(line[3:])
	return rest == "" || strings.HasPrefix(rest, "#")
}

// hasContent reports whether raw has a line that is neither blank nor a comment.
func hasContent(raw []byte) bool {
	for _, line := range bytes.Split(raw, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if len(t) > 0 && t[0] != '#' {
			return true
		}
	}
	return false
}
