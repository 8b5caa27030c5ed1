package dns

import (
	"fmt"
	"strings"

	mdns "github.com/miekg/dns"
)

// qtypes maps the game's query types to wire types.
var qtypes = map[Type]uint16{
	A:    mdns.TypeA,
	AAAA: mdns.TypeAAAA,
	SRV:  mdns.TypeSRV,
	PTR:  mdns.TypePTR,
}

// ParseType returns the Type called s (case-insensitive).
func ParseType(s string) (Type, error) {
	t := Type(strings.ToUpper(s))
	if _, ok := qtypes[t]; !ok {
		return "", fmt.Errorf("unknown DNS query type %q (want A, AAAA, SRV or PTR)", s)
	}
	return t, nil
}

// newQuestion builds a recursive query for name and t.
func newQuestion(name string, t Type) (*mdns.Msg, error) {
	qt, ok := qtypes[t]
	if !ok {
		return nil, fmt.Errorf("build query for %s: unknown type %q", name, t)
	}
	fqdn := mdns.Fqdn(name)
	if _, ok := mdns.IsDomainName(fqdn); !ok {
		return nil, fmt.Errorf("build query: %q is not a domain name", name)
	}
	m := new(mdns.Msg)
	m.SetQuestion(fqdn, qt)
	m.RecursionDesired = true
	m.SetEdns0(mdns.DefaultMsgSize, false)
	return m, nil
}

// toAnswer keeps the reply's records of type t.
func toAnswer(fqdn string, t Type, in *mdns.Msg) Answer {
	a := Answer{Name: fqdn, Type: t, Rcode: rcodeName(in.Rcode)}
	for _, rr := range in.Answer {
		if r, ok := toRecord(rr, t); ok {
			a.Records = append(a.Records, r)
		}
	}
	return a
}

func rcodeName(rc int) string {
	if s, ok := mdns.RcodeToString[rc]; ok {
		return s
	}
	return fmt.Sprintf("RCODE%d", rc)
}

// toRecord converts rr when it is of type t.
func toRecord(rr mdns.RR, t Type) (Record, bool) {
	h := rr.Header()
	r := Record{Name: h.Name, Type: t, TTL: h.Ttl}
	switch v := rr.(type) {
	case *mdns.A:
		r.Value = v.A.String()
	case *mdns.AAAA:
		r.Value = v.AAAA.String()
	case *mdns.PTR:
		r.Value, r.Target = v.Ptr, v.Ptr
	case *mdns.SRV:
		r.Target, r.Port = v.Target, v.Port
		r.Value = fmt.Sprintf("%d %d %d %s", v.Priority, v.Weight, v.Port, v.Target)
	default:
		return Record{}, false
	}
	return r, h.Rrtype == qtypes[t]
}
