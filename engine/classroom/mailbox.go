package classroom

import "sync"

// mailbox hands the latest value to one slow or fast reader: a send never
// blocks, and an unread value is replaced by the newer one (drop-to-latest).
type mailbox[T any] struct {
	mu     sync.Mutex
	c      chan T
	closed bool
}

func newMailbox[T any]() *mailbox[T] { return &mailbox[T]{c: make(chan T, 1)} }

// offer replaces whatever is unread with v. It never blocks: senders hold
// mu, so after the drain the channel has room.
func (m *mailbox[T]) offer(v T) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return
	}
	select {
	case <-m.c:
	default:
	}
	select {
	case m.c <- v:
	default:
	}
}

// close closes the reader's channel once.
func (m *mailbox[T]) close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.closed {
		m.closed = true
		close(m.c)
	}
}
