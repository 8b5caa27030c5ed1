package kube

import (
	"strings"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the manifest decoder: it must return
// objects or an error naming the document, and never panic.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Service\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b}\n"))
	f.Add([]byte("---\n---\n"))
	f.Add([]byte("{\"apiVersion\": \"v1\", \"kind\": \"X\", \"metadata\": {\"name\": 1}}"))
	f.Add([]byte("- a\n- b\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		objs, err := Decode(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "document ") {
				t.Fatalf("error does not name the document: %v", err)
			}
			return
		}
		for _, o := range objs {
			if o.GetKind() == "" || o.GetName() == "" || o.GetAPIVersion() == "" {
				t.Fatalf("decoded an object without kind, name or apiVersion: %v", o.Object)
			}
		}
	})
}
