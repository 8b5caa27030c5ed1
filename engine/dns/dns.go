// Package dns asks a cluster's DNS server questions from the host, the way a
// pod would, either directly (sim) or through a port-forward to a DNS pod.
package dns

import (
	"context"
	"errors"
)

// ErrUnreachable says the DNS server could not be reached at all, as opposed
// to answering that a name does not exist.
var ErrUnreachable = errors.New("cluster DNS unreachable")

// Type is a DNS query type.
type Type string

// Query types the game asks.
const (
	A    Type = "A"
	AAAA Type = "AAAA"
	SRV  Type = "SRV"
	PTR  Type = "PTR"
)

// Record is one answer record.
type Record struct {
	// Name is the owner name of the record.
	Name string
	Type Type
	TTL  uint32
	// Value is the address for A/AAAA, the target name for PTR, and
	// "priority weight port target" for SRV.
	Value string
	// Target, Port are set for SRV records.
	Target string
	Port   uint16
}

// Answer is the response to one question.
type Answer struct {
	// Name is the fully qualified name that was asked.
	Name string
	Type Type
	// Rcode is the response code name: "NOERROR", "NXDOMAIN", "SERVFAIL"...
	Rcode   string
	Records []Record
}

// Resolver asks the cluster DNS one question.
type Resolver interface {
	// Query asks one fully qualified name (a trailing dot is optional). An
	// error wrapping ErrUnreachable means no answer came back at all.
	Query(ctx context.Context, name string, t Type) (Answer, error)
	// Close releases any port-forward or connection.
	Close() error
}
