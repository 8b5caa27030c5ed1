package snapshot

import (
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func pod(ns, name string) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name, Labels: map[string]string{"app": "web"}}}
}

func slice(ns, name string) *discoveryv1.EndpointSlice {
	return &discoveryv1.EndpointSlice{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name,
		Labels: map[string]string{discoveryv1.LabelServiceName: "web"}}}
}

func names[T metav1.Object](objs []T) []string {
	var out []string
	for _, o := range objs {
		out = append(out, o.GetNamespace()+"/"+o.GetName())
	}
	return out
}

// TestLookupsComeInNameOrder: the lookups that return several objects give
// them sorted by name whatever the order of the snapshot's lists, and Sort
// orders the lists by namespace and name.
func TestLookupsComeInNameOrder(t *testing.T) {
	s := &Snapshot{
		Pods:           []*corev1.Pod{pod("b", "web-2"), pod("a", "web-9"), pod("a", "web-1"), pod("a", "web-5")},
		EndpointSlices: []*discoveryv1.EndpointSlice{slice("a", "web-z"), slice("a", "web-a"), slice("b", "web-m")},
		Namespaces:     []string{"b", "a"},
	}
	if got, want := names(s.PodsMatching("a", map[string]string{"app": "web"})), []string{"a/web-1", "a/web-5", "a/web-9"}; !slices.Equal(got, want) {
		t.Errorf("PodsMatching = %v, want %v", got, want)
	}
	if got, want := names(s.SlicesFor("a", "web")), []string{"a/web-a", "a/web-z"}; !slices.Equal(got, want) {
		t.Errorf("SlicesFor = %v, want %v", got, want)
	}
	s.Sort()
	if got, want := names(s.Pods), []string{"a/web-1", "a/web-5", "a/web-9", "b/web-2"}; !slices.Equal(got, want) {
		t.Errorf("sorted Pods = %v, want %v", got, want)
	}
	if got, want := names(s.EndpointSlices), []string{"a/web-a", "a/web-z", "b/web-m"}; !slices.Equal(got, want) {
		t.Errorf("sorted EndpointSlices = %v, want %v", got, want)
	}
	if !slices.Equal(s.Namespaces, []string{"a", "b"}) {
		t.Errorf("sorted Namespaces = %v", s.Namespaces)
	}
}
