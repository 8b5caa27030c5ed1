// Package kube applies, watches and removes the objects a level uses. It is
// the only engine package that writes to the cluster, and only on behalf of
// an explicit set-up, reset or drill.
package kube

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// Decode splits multi-document YAML into objects. Empty documents are
// skipped; a document without apiVersion, kind or metadata.name is an error
// naming the document's position, counted from 1.
func Decode(data []byte) ([]*unstructured.Unstructured, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var out []*unstructured.Unstructured
	for doc := 1; ; doc++ {
		raw, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", doc, err)
		}
		obj, err := decodeOne(raw)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", doc, err)
		}
		if obj != nil {
			out = append(out, obj)
		}
	}
}

func decodeOne(raw []byte) (*unstructured.Unstructured, error) {
	if len(bytes.TrimSpace(stripComments(raw))) == 0 {
		return nil, nil
	}
	var m map[string]any
	if err := yaml.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("invalid YAML: %w", err)
	}
	if m == nil {
		return nil, nil
	}
	u := &unstructured.Unstructured{Object: m}
	switch {
	case u.GetAPIVersion() == "":
		return nil, errors.New("field apiVersion is missing")
	case u.GetKind() == "":
		return nil, errors.New("field kind is missing")
	case u.GetName() == "":
		return nil, fmt.Errorf("%s: field metadata.name is missing", u.GetKind())
	}
	return u, nil
}

func stripComments(raw []byte) []byte {
	var b bytes.Buffer
	for _, line := range bytes.Split(raw, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if len(t) == 0 || t[0] == '#' || string(t) == "---" {
			continue
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	return b.Bytes()
}
