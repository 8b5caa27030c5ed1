package drill

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	"github.com/k8squest/k8squest/engine/dns"
	"github.com/k8squest/k8squest/engine/snapshot"
)

func init() { register("statefulSetReschedule", newReschedule) }

// reschedule deletes one StatefulSet pod, waits for the controller's
// replacement to become Ready, and confirms that the pod's stable DNS name
// follows the replacement's IP.
type reschedule struct {
	StatefulSet string `json:"statefulSet"`
	Service     string `json:"service"`
	// Ordinal is the pod to delete; by default the last one.
	Ordinal *int `json:"ordinal"`
	// TimeoutSeconds bounds the whole drill; by default 120.
	TimeoutSeconds int `json:"timeoutSeconds"`
}

func newReschedule(params []byte) (Drill, error) {
	d := &reschedule{}
	if err := decode(params, d); err != nil {
		return nil, err
	}
	switch {
	case d.StatefulSet == "":
		return nil, errors.New("params: statefulSet is required")
	case d.Service == "":
		return nil, errors.New("params: service is required")
	case d.Ordinal != nil && *d.Ordinal < 0:
		return nil, errors.New("params: ordinal must not be negative")
	case d.TimeoutSeconds < 0:
		return nil, errors.New("params: timeoutSeconds must not be negative")
	}
	return d, nil
}

// Run implements Drill.
func (d *reschedule) Run(ctx context.Context, env *Env) Result {
	timeout := 120 * time.Second
	if d.TimeoutSeconds > 0 {
		timeout = time.Duration(d.TimeoutSeconds) * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	rec := &recorder{report: env.Report}
	old, err := d.victim(env)
	if err != nil {
		return rec.fail(err)
	}
	rep := &Replacement{Pod: old.Name, OldIP: old.Status.PodIP, Deleted: time.Now()}
	if err := d.deletePod(ctx, env, old, rec); err != nil {
		return rec.fail(err)
	}
	fresh, err := d.waitReplacement(ctx, env, old, rec)
	if err != nil {
		return replaced(rec.fail(err), rep)
	}
	rep.NewIP, rep.Ready = fresh.Status.PodIP, time.Now()
	if err := d.waitDNS(ctx, env, fresh, rec); err != nil {
		return replaced(rec.fail(err), rep)
	}
	rep.DNSFollowed = time.Now()
	return replaced(rec.pass(fmt.Sprintf("%s was replaced and its DNS name followed the new pod to %s", fresh.Name, fresh.Status.PodIP)), rep)
}

// replaced attaches what the drill saw of the replacement to its result.
func replaced(r Result, rep *Replacement) Result {
	r.Replaced = rep
	return r
}

func (d *reschedule) victim(env *Env) (*corev1.Pod, error) {
	sts := env.Snap.StatefulSet(env.Namespace, d.StatefulSet)
	if sts == nil {
		return nil, fmt.Errorf("StatefulSet %s does not exist", d.StatefulSet)
	}
	ord := int(ptr.Deref(sts.Spec.Replicas, 1)) - 1
	if d.Ordinal != nil {
		ord = *d.Ordinal
	}
	name := fmt.Sprintf("%s-%d", d.StatefulSet, ord)
	p := env.Snap.Pod(env.Namespace, name)
	if p == nil {
		return nil, fmt.Errorf("pod %s does not exist", name)
	}
	return p, nil
}

func (d *reschedule) deletePod(ctx context.Context, env *Env, p *corev1.Pod, rec *recorder) error {
	rec.step("deleting pod %s (IP %s, uid %s)", p.Name, p.Status.PodIP, short(p.UID))
	uid := p.UID
	err := env.Client.CoreV1().Pods(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
	if err != nil {
		return fmt.Errorf("delete pod %s: %w", p.Name, err)
	}
	return nil
}

// waitReplacement waits until a pod with the same name but a new UID is Ready.
func (d *reschedule) waitReplacement(ctx context.Context, env *Env, old *corev1.Pod, rec *recorder) (*corev1.Pod, error) {
	rec.step("waiting for StatefulSet %s to recreate %s", d.StatefulSet, old.Name)
	p, err := waitPod(ctx, env.Client, old.Namespace, old.Name, func(p *corev1.Pod) bool {
		return p.UID != old.UID && p.DeletionTimestamp == nil && p.Status.PodIP != "" && snapshot.PodReady(p)
	})
	if err != nil {
		return nil, fmt.Errorf("wait for the replacement of %s: %w", old.Name, err)
	}
	same := ""
	if p.Status.PodIP == old.Status.PodIP {
		same = " (the same IP happened to be reused; on most clusters it changes)"
	}
	rec.step("replacement %s is Ready with IP %s, uid %s%s", p.Name, p.Status.PodIP, short(p.UID), same)
	return p, nil
}

// waitDNS asks the pod's stable name until it answers the new IP. DNS has no
// watch, so it is asked again every 250 ms until the record's TTL has passed.
func (d *reschedule) waitDNS(ctx context.Context, env *Env, p *corev1.Pod, rec *recorder) error {
	name := fmt.Sprintf("%s.%s.%s.svc.%s", p.Name, d.Service, p.Namespace, env.Domain)
	start := time.Now()
	last := ""
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		ans, err := env.DNS.Query(ctx, name, dns.A)
		got := answerString(ans, err)
		if err == nil && got == p.Status.PodIP {
			rec.step("%s → %s after %s", name, got, time.Since(start).Round(10*time.Millisecond))
			return nil
		}
		if got != last {
			rec.step("%s → %s (waiting for %s)", name, got, p.Status.PodIP)
			last = got
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s still answers %s, not %s: %w", name, got, p.Status.PodIP, ctx.Err())
		case <-t.C:
		}
	}
}

func answerString(ans dns.Answer, err error) string {
	if err != nil {
		return err.Error()
	}
	if len(ans.Records) == 0 {
		return ans.Rcode
	}
	s := ""
	for i, r := range ans.Records {
		if i > 0 {
			s += ", "
		}
		s += r.Value
	}
	return s
}

func short(uid types.UID) string {
	if len(uid) > 8 {
		return string(uid[:8])
	}
	return string(uid)
}
