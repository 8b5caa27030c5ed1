package dns

import "errors"

// UnavailableError says why the cluster DNS cannot be asked at all, in words
// for the player. It matches ErrUnreachable with errors.Is, and Err when set.
type UnavailableError struct {
	// Reason names what is missing, such as "no pod labelled k8s-app=kube-dns
	// in kube-system".
	Reason string
	// Err is the underlying error, if any.
	Err error
}

// Error implements error.
func (e *UnavailableError) Error() string { return "cluster DNS not reachable: " + e.Reason }

// Unwrap lets errors.Is match ErrUnreachable and the underlying error.
func (e *UnavailableError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrUnreachable}
	}
	return []error{ErrUnreachable, e.Err}
}

// unavailable builds an *UnavailableError.
func unavailable(err error, reason string) *UnavailableError {
	return &UnavailableError{Reason: reason, Err: err}
}

// IsUnavailable reports whether err says the cluster DNS cannot be asked at
// all, and returns the reason.
func IsUnavailable(err error) (*UnavailableError, bool) {
	var u *UnavailableError
	ok := errors.As(err, &u)
	return u, ok
}
