package play

import "errors"

// ErrAPIUnreachable says the cluster's API server stopped answering.
var ErrAPIUnreachable = errors.New("API server unreachable")

// ErrNamespaceGone says the level's namespace was deleted while playing.
var ErrNamespaceGone = errors.New("level namespace deleted")
