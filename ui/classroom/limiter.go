package classroom

import (
	"net"
	"sync"
	"time"
)

// limiter rate-limits failed authentications per remote address with a
// token bucket: each address holds up to burst tokens, a failure takes
// one, and one comes back every refill. An address without a token is
// refused until one comes back, so guessing the join code slows to one try
// per refill once the burst is spent, while a classroom behind one NAT
// address still has burst mistakes to make at once.
type limiter struct {
	burst   float64
	refill  time.Duration
	maxKeys int

	mu      sync.Mutex
	buckets map[string]*bucket
}

// bucket is one address's tokens as of at.
type bucket struct {
	tokens float64
	at     time.Time
}

// newLimiter returns a limiter; maxKeys bounds the addresses it tracks.
func newLimiter(burst int, refill time.Duration, maxKeys int) *limiter {
	return &limiter{burst: float64(burst), refill: refill, maxKeys: maxKeys, buckets: map[string]*bucket{}}
}

// allow reports whether addr may try to authenticate now, and if not, how
// long until it may.
func (l *limiter) allow(addr string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[addr]
	if b == nil {
		return true, 0
	}
	l.fill(b, now)
	if b.tokens >= 1 {
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(l.refill))
}

// fail takes a token from addr.
func (l *limiter) fail(addr string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buckets[addr]
	if b == nil {
		l.prune(now)
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[addr] = b
	}
	l.fill(b, now)
	b.tokens = max(b.tokens-1, 0)
}

// fill adds the tokens earned since b.at.
func (l *limiter) fill(b *bucket, now time.Time) {
	if l.refill > 0 && now.After(b.at) {
		b.tokens = min(l.burst, b.tokens+float64(now.Sub(b.at))/float64(l.refill))
	}
	b.at = now
}

// prune forgets the addresses whose bucket is full again once the limiter
// tracks maxKeys of them: a full bucket is the same as none.
func (l *limiter) prune(now time.Time) {
	if len(l.buckets) < l.maxKeys {
		return
	}
	for k, b := range l.buckets {
		if l.fill(b, now); b.tokens >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// hostOf is the address part of a remote address, without the port, so
// that new connections from one machine share a bucket.
func hostOf(a net.Addr) string {
	if a == nil {
		return ""
	}
	h, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return h
}
