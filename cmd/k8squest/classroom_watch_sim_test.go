package main

import (
	"bufio"
	"context"
	"fmt"
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
// DNS resolver of their own (they share the server's connection). The
// API server counts every client's watches, and other packages' tests
// share the sim and open and close their own meanwhile, so a class of
// three is measured up to three times: one attempt with no other watch
// in between is enough, and a game whose learners add different numbers
// fails every attempt.
func TestClassroomWatchesPerLearnerOnSim(t *testing.T) {
	admin := simtest.Clientset(t, simtest.Cluster(t))
	ws := workshopName(t)
	c := startClass(t, ws, t.TempDir(), newSigner(t))
	var all []string
	t.Cleanup(func() { cleanLearners(admin, ws, all) })
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var tries [][]int
	for attempt := range 3 {
		names := []string{fmt.Sprintf("alice%d", attempt), fmt.Sprintf("bob%d", attempt), fmt.Sprintf("carol%d", attempt)}
		all = append(all, names...)
		added := watchesAdded(t, ctx, c, admin, names)
		if sameAndPositive(added) {
			if c.w.Conn().Resolver == nil {
				t.Fatal("the workshop shares no DNS resolver")
			}
			t.Logf("API server watches: +%v per learner playing level 30 (earlier attempts: %v)", added, tries)
			return
		}
		tries = append(tries, added)
	}
	t.Fatalf("watches added per learner, in three attempts: %v; want the same positive number for each learner in one of them", tries)
}

// watchesAdded starts level 30 for each of names, then opens each one's
// game and watches the level, and returns the API server watches each
// opening added.
func watchesAdded(t *testing.T, ctx context.Context, c *class, admin kubernetes.Interface, names []string) []int {
	t.Helper()
	for _, n := range names {
		if err := c.w.Start(ctx, n, 30, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	var added []int
	last := watches(t, admin)
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
	return added
}

// sameAndPositive says whether every count is the first one, above zero.
func sameAndPositive(counts []int) bool {
	for _, n := range counts {
		if n <= 0 || n != counts[0] {
			return false
		}
	}
	return len(counts) > 0
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
