package lint

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// workload is an object that makes pods, with its pod template and the field
// path of that template's pod spec.
type workload struct {
	*object
	labels   map[string]string
	spec     *corev1.PodSpec
	specPath string
}

// podTemplate returns the pods an object makes, or false when it makes none.
func podTemplate(o *object) (workload, bool) {
	const tmpl = "spec.template"
	switch x := o.obj.(type) {
	case *corev1.Pod:
		return workload{o, x.Labels, &x.Spec, "spec"}, true
	case *appsv1.StatefulSet:
		return workload{o, x.Spec.Template.Labels, &x.Spec.Template.Spec, tmpl + ".spec"}, true
	case *appsv1.Deployment:
		return workload{o, x.Spec.Template.Labels, &x.Spec.Template.Spec, tmpl + ".spec"}, true
	case *appsv1.DaemonSet:
		return workload{o, x.Spec.Template.Labels, &x.Spec.Template.Spec, tmpl + ".spec"}, true
	case *appsv1.ReplicaSet:
		return workload{o, x.Spec.Template.Labels, &x.Spec.Template.Spec, tmpl + ".spec"}, true
	case *corev1.ReplicationController:
		if x.Spec.Template == nil {
			return workload{}, false
		}
		return workload{o, x.Spec.Template.Labels, &x.Spec.Template.Spec, tmpl + ".spec"}, true
	case *batchv1.Job:
		return workload{o, x.Spec.Template.Labels, &x.Spec.Template.Spec, tmpl + ".spec"}, true
	case *batchv1.CronJob:
		t := x.Spec.JobTemplate.Spec.Template
		return workload{o, t.Labels, &t.Spec, "spec.jobTemplate.spec.template.spec"}, true
	}
	return workload{}, false
}

// workloads returns every object in the set that makes pods.
func (s *objectSet) workloads() []workload {
	var out []workload
	for _, o := range s.objects {
		if w, ok := podTemplate(o); ok {
			out = append(out, w)
		}
	}
	return out
}

// services returns every Service in the set, with its object.
func (s *objectSet) services() []*object {
	var out []*object
	for _, o := range s.objects {
		if _, ok := o.obj.(*corev1.Service); ok {
			out = append(out, o)
		}
	}
	return out
}

// selected returns the workloads in svc's namespace whose pods svc selects.
// A Service without a selector selects nothing here.
func (s *objectSet) selected(o *object) []workload {
	svc := o.obj.(*corev1.Service)
	if len(svc.Spec.Selector) == 0 {
		return nil
	}
	sel := labels.SelectorFromSet(svc.Spec.Selector)
	var out []workload
	for _, w := range s.workloads() {
		if w.loc.Namespace == o.loc.Namespace && sel.Matches(labels.Set(w.labels)) {
			out = append(out, w)
		}
	}
	return out
}

// service returns the Service ns/name, or nil.
func (s *objectSet) service(ns, name string) *object {
	for _, o := range s.services() {
		if o.loc.Namespace == ns && o.loc.Name == name {
			return o
		}
	}
	return nil
}
