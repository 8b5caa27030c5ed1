package ui

import (
	"strings"
	"testing"
	"time"
)

func TestGoldenBanner(t *testing.T) {
	h := newHarness(t, Options{})
	ch := h.playing()
	h.verdict(ch, passed())
	h.send(BroadcastMsg{Text: "Break until 10:45; the cluster stays up. After the break we look at level 30's drill together, so leave your level where it is.", At: t0})
	h.golden()
}

func TestBannerExpiresAndIsReplaced(t *testing.T) {
	h := newHarness(t, Options{})
	h.booted()
	cmd := h.send(BroadcastMsg{Text: "first", At: t0})
	if cmd == nil || !strings.Contains(h.view(), "INSTRUCTOR") {
		t.Fatalf("no banner, or nothing to take it down:\n%s", h.view())
	}
	h.send(BroadcastMsg{Text: "second", At: t0.Add(time.Minute)})
	h.send(bannerExpiredMsg{seq: 1}) // the first banner's time is up: the second stays
	if v := h.view(); !strings.Contains(v, "second") || strings.Contains(v, "first") {
		t.Errorf("the first banner's expiry touched the second:\n%s", v)
	}
	h.send(bannerExpiredMsg{seq: h.m.banner.seq})
	if strings.Contains(h.view(), "INSTRUCTOR") {
		t.Errorf("the banner outlived its time:\n%s", h.view())
	}
}

func TestBannerKeepsTheScreenInItsHeight(t *testing.T) {
	h := newHarness(t, Options{})
	ch := h.playing()
	h.verdict(ch, passed())
	before := strings.Count(h.view(), "\n")
	h.send(BroadcastMsg{Text: strings.Repeat("long words ", 30), At: t0})
	if after := strings.Count(h.view(), "\n"); after != before {
		t.Errorf("the banner changed the view's height from %d to %d lines", before, after)
	}
	if !strings.Contains(h.view(), "? more keys") {
		t.Errorf("the footer was pushed off the screen:\n%s", h.view())
	}
}
