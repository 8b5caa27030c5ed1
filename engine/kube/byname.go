package kube

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
)

// listFunc and watchFunc are the List and Watch methods of a typed client-go
// client, such as cs.CoreV1().Pods(ns).
type (
	listFunc[L runtime.Object] func(ctx context.Context, o metav1.ListOptions) (L, error)
	watchFunc                  func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error)
)

// ByName returns a ListWatch that sees only the object called name, for
// watchtools.UntilWithSync, the way kubectl wait watches one object.
func ByName[L runtime.Object](name string, list listFunc[L], w watchFunc) *cache.ListWatch {
	sel := fields.OneTermEqualSelector("metadata.name", name).String()
	return &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, o metav1.ListOptions) (runtime.Object, error) {
			o.FieldSelector = sel
			return list(ctx, o)
		},
		WatchFuncWithContext: func(ctx context.Context, o metav1.ListOptions) (watch.Interface, error) {
			o.FieldSelector = sel
			return w(ctx, o)
		},
	}
}
