package check

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/k8squest/k8squest/engine/dns"
)

// ask queries one name and returns the sorted values of the records of type t.
// A nil error with no values means the name has no such records (NXDOMAIN or
// an empty answer); rcode says which.
func ask(ctx context.Context, env *Env, name string, t dns.Type) (values []string, rcode string, err error) {
	if env.DNS == nil {
		return nil, "", fmt.Errorf("%w: no resolver configured", dns.ErrUnreachable)
	}
	ans, err := env.DNS.Query(ctx, name, t)
	if err != nil {
		return nil, "", err
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
	}
	sort.Strings(values)
	return values, ans.Rcode, nil
}

// unreachable turns a resolver error into an Unknown result.
func unreachable(err error) Result {
	msg := err.Error()
	if errors.Is(err, dns.ErrUnreachable) {
		msg = "DNS unreachable: " + msg
	}
	return Result{Status: Unknown, Message: msg, Requery: true}
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
