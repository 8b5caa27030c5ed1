package main

import (
	"bufio"
	"context"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/simtest"
	"github.com/k8squest/k8squest/ui"
)

// TestClassroomWatchesPerLearnerOnSim measures how the watch scales: each
// learner's play screen (the game's Watch on level 30) adds the same
// number of watches on the API server, and the learners' games open no
// DNS resolver of their own (they share the server's connection).
func TestClassroomWatchesPerLearnerOnSim(t *testing.T) {
	admin := simtest.Clientset(t, simtest.Cluster(t))
	ws := workshopName(t)
	c := startClass(t, ws, t.TempDir(), newSigner(t))
	names := []string{"alice", "bob", "carol"}
	t.Cleanup(func() { cleanLearners(admin, ws, names) })
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	for _, n := range names {
		if err := c.w.Start(ctx, n, 30, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	before := watches(t, admin)
	var added []int
	last := before
	for _, n := range names {
		b, err := c.w.Open(ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		watchLevel(t, ctx, b, 30)
		now := watches(t, admin)
		added = append(added, now-last)
		last = now
	}
	for i, a := range added {
		if a <= 0 || a != added[0] {
			t.Fatalf("watches added per learner: %v (learner %d), want the same positive number for each", added, i+1)
		}
	}
	if c.w.Conn().Resolver == nil {
		t.Fatal("the workshop shares no DNS resolver")
	}
	t.Logf("API server watches: %d before any learner plays, +%v per learner playing level 30", before, added)
}

// watchLevel opens level id on b and watches it until a verdict came, so
// that every informer has synced; the watch runs until ctx ends.
func watchLevel(t *testing.T, ctx context.Context, b ui.Backend, id int) {
	t.Helper()
	var l = b.Levels()[0]
	for _, x := range b.Levels() {
		if x.ID == id {
			l = x
		}
	}
	s, err := b.Open(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case _, ok := <-s.Watch(ctx):
		if !ok {
			t.Fatal("the watch ended before its first verdict")
		}
	case <-time.After(time.Minute):
		t.Fatal("no verdict within a minute")
	}
}

// watches is the API server's count of watch requests open now.
func watches(t *testing.T, cs kubernetes.Interface) int {
	t.Helper()
	var n int
	// The gauge follows a watch opened or closed at once; read it until
	// two reads a moment apart agree.
	prev := -1
	waitUntil(t, "a steady watch count", 10*time.Second, func() bool {
		n = readWatches(t, cs)
		steady := n == prev
		prev = n
		return steady
	})
	return n
}

// readWatches sums apiserver_longrunning_requests{verb="WATCH"}.
func readWatches(t *testing.T, cs kubernetes.Interface) int {
	t.Helper()
	raw, err := cs.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(context.Background())
	if err != nil {
		t.Fatalf("read the API server's metrics: %v", err)
	}
	total := 0
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "apiserver_longrunning_requests{") || !strings.Contains(line, `verb="WATCH"`) {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			t.Fatalf("metric line %q: %v", line, err)
		}
		total += int(v)
	}
	return total
}
