package check

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/k8squest/k8squest/engine/dns"
)

// ask queries one name and returns the sorted values of the records of type t.
// A nil error with no values means the name has no such records (NXDOMAIN or
// an empty answer); rcode says which.
func ask(ctx context.Context, env *Env, name string, t dns.Type) (values []string, rcode string, err error) {
	values, rcode, _, err = askTTL(ctx, env, name, t)
	return values, rcode, err
}

// askTTL is ask, also returning how long the answer may still be cached:
// the largest TTL among its records.
func askTTL(ctx context.Context, env *Env, name string, t dns.Type) (values []string, rcode string, ttl time.Duration, err error) {
	if env.DNS == nil {
		return nil, "", 0, fmt.Errorf("%w: no resolver configured", dns.ErrUnreachable)
	}
	ans, err := env.DNS.Query(ctx, name, t)
	if err != nil {
		return nil, "", 0, err
	}
	for _, r := range ans.Records {
		if r.Type != t {
			continue
		}
		v := r.Value
		if t == dns.SRV {
			v = strings.TrimSuffix(r.Target, ".")
		}
		values = append(values, v)
		ttl = max(ttl, time.Duration(r.TTL)*time.Second)
	}
	sort.Strings(values)
	return values, ans.Rcode, ttl, nil
}

// settleFor is how long to keep asking when an answer contradicts the API:
// until a cached answer of this TTL has surely expired.
func settleFor(ttl time.Duration) time.Duration { return ttl + time.Second }

// settlingNote ends the symptom of a settling result: the player whose fix
// is right sees why the answer lags, without being told what to fix.
const settlingNote = "; an answer the cluster DNS cached before a change is served until its TTL runs out"

// unreachable turns a resolver error into an Unknown result. When the
// resolver says why the cluster DNS cannot be asked at all (no DNS pod, none
// Ready yet, forbidden), the message is that reason alone.
func unreachable(err error) Result {
	msg := err.Error()
	if u, ok := dns.IsUnavailable(err); ok {
		msg = u.Error()
	} else if errors.Is(err, dns.ErrUnreachable) {
		msg = "DNS unreachable: " + msg
	}
	return Result{Status: Unknown, Message: msg, Diagnosis: msg, Requery: true}
}

// fqdn builds name.<ns>.svc.<domain>.
func svcName(name, ns, domain string) string {
	return fmt.Sprintf("%s.%s.svc.%s", name, ns, domain)
}

// describeAnswer says what a name resolved to, for messages.
func describeAnswer(values []string, rcode string) string {
	if len(values) == 0 {
		if rcode == "" || rcode == "NOERROR" {
			return "no records"
		}
		return rcode
	}
	return strings.Join(values, ", ")
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	x := append([]string(nil), a...)
	y := append([]string(nil), b...)
	sort.Strings(x)
	sort.Strings(y)
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}
