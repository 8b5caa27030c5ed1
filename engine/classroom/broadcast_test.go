package classroom

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestCleanMessage(t *testing.T) {
	cases := []struct{ in, want, err string }{
		{in: "  break in 5 minutes ", want: "break in 5 minutes"},
		{in: "two\nlines\r\n\tand a tab", want: "two lines and a tab"},
		{in: "red \x1b[31malert\x1b[0m", want: "red [31malert [0m"},
		{in: " \n\t", err: "empty"},
		{in: strings.Repeat("é", MaxMessage+1), err: "201 characters, at most 200"},
		{in: strings.Repeat("é", MaxMessage), want: strings.Repeat("é", MaxMessage)},
	}
	for _, c := range cases {
		got, err := CleanMessage(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("CleanMessage(%q) error = %v, want one saying %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("CleanMessage(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func recvMsg(t *testing.T, s *Subscription[Message]) Message {
	t.Helper()
	select {
	case m := <-s.C():
		return m
	case <-time.After(time.Second):
		t.Fatal("no broadcast within a second")
		return Message{}
	}
}

func TestBroadcastReachesLearnersAndSnapshots(t *testing.T) {
	h := newHub(t, Options{Now: func() time.Time { return t0 }})
	early := h.Messages(context.Background())
	if _, err := h.Broadcast("lunch at noon"); err != nil {
		t.Fatal(err)
	}
	if m := recvMsg(t, early); m.Text != "lunch at noon" || m.Seq != 1 || !m.At.Equal(t0) {
		t.Errorf("broadcast: %+v", m)
	}
	late := h.Messages(context.Background())
	if m := recvMsg(t, late); m.Seq != 1 {
		t.Errorf("a learner joining later gets the latest broadcast at once; got %+v", m)
	}
	_, _ = h.Broadcast("one")
	_, _ = h.Broadcast("two")
	if m := recvMsg(t, early); m.Text != "two" || m.Seq != 3 {
		t.Errorf("a reader that fell behind gets the latest: %+v", m)
	}
	if s := h.Snapshot(); s.Message == nil || s.Message.Text != "two" {
		t.Errorf("snapshot message: %+v", s.Message)
	}
	if _, err := h.Broadcast(""); err == nil {
		t.Error("an empty broadcast was accepted")
	}
}
