package classroom

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"
)

// DefaultWindow is how long the hub gathers a burst of changes into one
// delivery. The first change after a quiet spell goes out at once.
const DefaultWindow = 100 * time.Millisecond

// Options configures a Hub.
type Options struct {
	// Workshop names the workshop in snapshots and exports.
	Workshop string
	// Now is the clock for events without a time and for snapshots;
	// time.Now when nil.
	Now func() time.Time
	// Window is the coalescing window; DefaultWindow when zero.
	Window time.Duration
	// StatePath, when set, is where the roster is kept (see Save), written
	// after each delivery so that a killed server can rebuild it.
	StatePath string
	// OnSaveError is told when the roster could not be written; nil ignores.
	OnSaveError func(error)
}

// Hub is a workshop's live state. Publish never blocks on a subscriber; each
// subscriber gets a snapshot at once and then the latest one after every
// burst of changes. It is safe for concurrent use.
type Hub struct {
	opts Options

	mu      sync.RWMutex
	rows    map[string]Row
	seq     uint64
	message *Message
	ended   bool
	// saved is the Seq of the last roster written; only run touches it.
	saved uint64

	subMu    sync.Mutex
	subs     map[*mailbox[Snapshot]]struct{}
	msgSubs  map[*mailbox[Message]]struct{}
	wake     chan struct{}
	done     chan struct{}
	finished chan struct{}
	close    sync.Once
}

// New starts a hub; Close stops it.
func New(opts Options) *Hub {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Window <= 0 {
		opts.Window = DefaultWindow
	}
	h := &Hub{
		opts:     opts,
		rows:     map[string]Row{},
		subs:     map[*mailbox[Snapshot]]struct{}{},
		msgSubs:  map[*mailbox[Message]]struct{}{},
		wake:     make(chan struct{}, 1),
		done:     make(chan struct{}),
		finished: make(chan struct{}),
	}
	go h.run()
	return h
}

// Close stops the hub and closes every subscriber's channel. Events
// published afterwards are ignored.
func (h *Hub) Close() {
	h.close.Do(func() { close(h.done) })
	<-h.finished
}

// Publish applies e to the learner's row. It returns an error naming the
// field when e is malformed; it never blocks on subscribers.
func (h *Hub) Publish(e Event) error {
	if err := e.validate(); err != nil {
		return err
	}
	if e.At.IsZero() {
		e.At = h.opts.Now()
	}
	h.mu.Lock()
	r, ok := h.rows[e.Learner]
	if !ok {
		r = Row{Name: e.Learner}
	}
	h.rows[e.Learner] = r.apply(e)
	h.seq++
	h.mu.Unlock()
	h.poke()
	return nil
}

// Remove drops a learner's row (after the workshop removed their
// namespace and identity).
func (h *Hub) Remove(name string) {
	h.mu.Lock()
	if _, ok := h.rows[name]; ok {
		delete(h.rows, name)
		h.seq++
	}
	h.mu.Unlock()
	h.poke()
}

// poke wakes the delivery loop without ever blocking.
func (h *Hub) poke() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Snapshot returns the current state, rows sorted by name.
func (h *Hub) Snapshot() Snapshot {
	h.mu.RLock()
	defer h.mu.RUnlock()
	s := Snapshot{Workshop: h.opts.Workshop, Seq: h.seq, At: h.opts.Now(), Ended: h.ended, Rows: make([]Row, 0, len(h.rows))}
	for _, r := range h.rows {
		s.Rows = append(s.Rows, r)
	}
	slices.SortFunc(s.Rows, func(a, b Row) int { return strings.Compare(a.Name, b.Name) })
	if h.message != nil {
		m := *h.message
		s.Message = &m
	}
	return s
}

// Subscribe returns a subscription that receives the current snapshot at
// once and then the latest one after each burst of changes. It ends when
// ctx ends, Close is called on it, or the hub closes.
func (h *Hub) Subscribe(ctx context.Context) *Subscription[Snapshot] {
	mb := newMailbox[Snapshot]()
	h.subMu.Lock()
	defer h.subMu.Unlock()
	if h.stopped() {
		mb.close()
		return &Subscription[Snapshot]{mb: mb, stop: func() {}}
	}
	h.subs[mb] = struct{}{}
	mb.offer(h.Snapshot())
	return newSubscription(ctx, mb, func() { unsubscribe(h, h.subs, mb) })
}

// stopped says whether Close was called.
func (h *Hub) stopped() bool {
	select {
	case <-h.done:
		return true
	default:
		return false
	}
}

// unsubscribe removes mb from set and closes it.
func unsubscribe[T any](h *Hub, set map[*mailbox[T]]struct{}, mb *mailbox[T]) {
	h.subMu.Lock()
	delete(set, mb)
	h.subMu.Unlock()
	mb.close()
}

// run delivers snapshots: at once after a quiet spell, else at most once a
// window, so that a burst of changes is one delivery. On Close it delivers
// (and saves) what changed last, then closes every subscription.
func (h *Hub) run() {
	defer close(h.finished)
	defer h.closeAll()
	var last time.Time
	var sent uint64
	for {
		select {
		case <-h.done:
			h.deliver(sent)
			return
		case <-h.wake:
		}
		if wait := time.Until(last.Add(h.opts.Window)); wait > 0 {
			t := time.NewTimer(wait)
			select {
			case <-h.done:
				t.Stop()
				h.deliver(sent)
				return
			case <-t.C:
			}
		}
		last = time.Now()
		sent = h.deliver(sent)
	}
}

// deliver offers one fresh snapshot to every subscriber, then saves, unless
// nothing changed since the one numbered sent; it returns the Seq sent.
// The snapshot is taken under subMu, as Subscribe's first one is, so that a
// subscriber never receives an older snapshot after a newer one.
func (h *Hub) deliver(sent uint64) uint64 {
	h.subMu.Lock()
	s := h.Snapshot()
	if s.Seq == sent {
		h.subMu.Unlock()
		h.save(s) // a retry of a failed save
		return sent
	}
	for mb := range h.subs {
		mb.offer(s)
	}
	h.subMu.Unlock()
	h.save(s)
	return s.Seq
}

func (h *Hub) closeAll() {
	h.subMu.Lock()
	defer h.subMu.Unlock()
	for mb := range h.subs {
		mb.close()
	}
	for mb := range h.msgSubs {
		mb.close()
	}
	clear(h.subs)
	clear(h.msgSubs)
}
