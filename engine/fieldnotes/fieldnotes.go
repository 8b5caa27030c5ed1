// Package fieldnotes keeps what one play of a level observed on the
// player's cluster (what DNS answered and which endpoints each Service had,
// in the broken state and after the fix, and what the drill saw) and writes
// it up as the "On your cluster" section that opens the debrief.
package fieldnotes

import "time"

// Notes are the observations of one completed play.
type Notes struct {
	Level     int    `json:"level"`
	Namespace string `json:"namespace"`
	// Broken is what the cluster showed once the broken state was set up.
	Broken *Observation `json:"broken,omitempty"`
	// Fixed is what it showed once every check passed.
	Fixed *Observation `json:"fixed,omitempty"`
	// Drill is the drill's outcome, when the level has one and it replaced a pod.
	Drill *Drill `json:"drill,omitempty"`
}

// Observation is the level's Services at one moment.
type Observation struct {
	At       time.Time `json:"at"`
	Services []Service `json:"services"`
}

// Service is one Service as a client sees it.
type Service struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// ClusterIP is the Service's virtual IP, or "None" for a headless Service.
	ClusterIP string `json:"clusterIP"`
	// Endpoints are the ready addresses of its EndpointSlices, "IP (pod)".
	Endpoints []string `json:"endpoints"`
	// DNS is what the Service's name answered.
	DNS Answer `json:"dns"`
	// Pods are the answers for the per-pod names of the pods whose
	// subdomain is this Service (StatefulSet pods).
	Pods []Answer `json:"pods,omitempty"`
}

// Answer is what the cluster's DNS answered for one name.
type Answer struct {
	Name string `json:"name"`
	// Values are the A records, sorted.
	Values []string `json:"values,omitempty"`
	// Rcode is the response code (NOERROR, NXDOMAIN), or the error asking.
	Rcode string `json:"rcode"`
}

// Drill is what the level's drill observed when it replaced a pod.
type Drill struct {
	Passed  bool   `json:"passed"`
	Message string `json:"message"`
	Pod     string `json:"pod"`
	OldIP   string `json:"oldIP"`
	NewIP   string `json:"newIP"`
	// ReadyAfter is from the deletion until the replacement was Ready.
	ReadyAfter time.Duration `json:"readyAfter"`
	// DNSAfter is from the replacement being Ready until its name answered
	// the new IP; zero when DNS never followed.
	DNSAfter time.Duration `json:"dnsAfter"`
	// InShell is true when the drill ran while the player was in the
	// game's shell and could not watch it.
	InShell bool `json:"inShell,omitempty"`
}

// Service returns the observed Service ns/name, or nil.
func (o *Observation) Service(ns, name string) *Service {
	if o == nil {
		return nil
	}
	for i := range o.Services {
		if o.Services[i].Namespace == ns && o.Services[i].Name == name {
			return &o.Services[i]
		}
	}
	return nil
}
