package classroom

import (
	"context"
	"sync"
)

// Subscription receives values (snapshots or broadcast messages) from a Hub,
// the latest one only: a reader that falls behind skips to the newest, and
// never slows the hub down.
type Subscription[T any] struct {
	mb   *mailbox[T]
	once sync.Once
	stop func()
}

// newSubscription ends the subscription with ctx.
func newSubscription[T any](ctx context.Context, mb *mailbox[T], stop func()) *Subscription[T] {
	s := &Subscription[T]{mb: mb, stop: stop}
	context.AfterFunc(ctx, s.Close)
	return s
}

// C is the channel of values; it closes when the subscription ends.
func (s *Subscription[T]) C() <-chan T { return s.mb.c }

// Close ends the subscription and closes C. It may be called more than once.
func (s *Subscription[T]) Close() { s.once.Do(s.stop) }
