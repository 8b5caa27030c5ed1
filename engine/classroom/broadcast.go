package classroom

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxMessage is the longest broadcast, in characters.
const MaxMessage = 200

// Message is a broadcast from the instructor, shown as a banner in every
// learner's game.
type Message struct {
	// Seq numbers the broadcasts from 1.
	Seq  uint64    `json:"seq"`
	Text string    `json:"text"`
	At   time.Time `json:"at"`
}

// CleanMessage makes text one printable line: control characters (escape
// sequences included) and line breaks become spaces, runs of space one. It
// fails on an empty or overlong message.
func CleanMessage(text string) (string, error) {
	clean := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, text)
	clean = strings.Join(strings.Fields(clean), " ")
	if clean == "" {
		return "", fmt.Errorf("broadcast: the message is empty")
	}
	if n := utf8.RuneCountInString(clean); n > MaxMessage {
		return "", fmt.Errorf("broadcast: the message has %d characters, at most %d fit a banner", n, MaxMessage)
	}
	return clean, nil
}

// Broadcast sends text to every learner's game (see Messages) and records it
// in the snapshots.
func (h *Hub) Broadcast(text string) (Message, error) {
	clean, err := CleanMessage(text)
	if err != nil {
		return Message{}, err
	}
	// subMu first, as everywhere: two broadcasts reach learners in order.
	h.subMu.Lock()
	h.mu.Lock()
	seq := uint64(1)
	if h.message != nil {
		seq = h.message.Seq + 1
	}
	m := Message{Seq: seq, Text: clean, At: h.opts.Now()}
	h.message = &m
	h.seq++
	h.mu.Unlock()
	for mb := range h.msgSubs {
		mb.offer(m)
	}
	h.subMu.Unlock()
	h.poke()
	return m, nil
}

// Messages returns a subscription to the broadcasts, for a learner's game:
// it receives the latest broadcast at once when there is one, then each new
// one (the latest only, if the reader falls behind).
func (h *Hub) Messages(ctx context.Context) *Subscription[Message] {
	mb := newMailbox[Message]()
	h.subMu.Lock()
	defer h.subMu.Unlock()
	if h.stopped() {
		mb.close()
		return &Subscription[Message]{mb: mb, stop: func() {}}
	}
	h.msgSubs[mb] = struct{}{}
	h.mu.RLock()
	if h.message != nil {
		mb.offer(*h.message)
	}
	h.mu.RUnlock()
	return newSubscription(ctx, mb, func() { unsubscribe(h, h.msgSubs, mb) })
}

// End marks the workshop ended in the snapshots; the lead's end action
// calls it once every learner's namespace and identity are gone.
func (h *Hub) End() {
	h.mu.Lock()
	h.ended = true
	h.seq++
	h.mu.Unlock()
	h.poke()
}
