package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/simtest"
	room "github.com/k8squest/k8squest/ui/classroom"
)

// benchLearners is how many learners BenchmarkClassroomOnSim plays;
// $K8SQUEST_BENCH_LEARNERS overrides it.
const benchLearners = 50

// BenchmarkClassroomOnSim is issue 12's benchmark: 50 learners, each a
// real SSH client, start level 30, open the game on it and fix it as
// their player; it reports fix → verdict on the learner's screen (p50,
// p95), fix → board (p95, through `status --json` polled every 50 ms),
// fix → level 30's API-only check green on the board (p50, p95: the
// game's own latency, with no DNS cache in the way), fix → the new
// Service's first EndpointSlice (p50, p95: what the cluster DNS waits for)
// and the screen after that slice (p95),
// the server's RSS per learner above the idle server, the API server's
// request rate, and how many verdicts were lost. Run it once:
// go test ./cmd/k8squest -run '^$' -bench ClassroomOnSim -benchtime 1x.
func BenchmarkClassroomOnSim(b *testing.B) {
	n := benchLearners
	if v, err := strconv.Atoi(os.Getenv("K8SQUEST_BENCH_LEARNERS")); err == nil && v > 0 {
		n = v
	}
	admin := simtest.Clientset(b, simtest.Cluster(b))
	bin := filepath.Join(b.TempDir(), "k8squest")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}
	dir, ws := b.TempDir(), workshopName(b)
	teacher := newSigner(b)
	writeInstructorKey(b, dir, teacher)
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("l%02d", i)
	}
	b.Cleanup(func() { cleanLearners(admin, ws, names) })
	cmd, addr := startServe(b, bin, append(serveArgs(ws, dir), "--levels", "30"))
	idle := rss(b, cmd.Process.Pid)

	ls := make([]*benchLearner, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, name := range names {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			ls[i] = joinAndPlay(b, addr, ws, name)
		}()
	}
	wg.Wait()
	for i, l := range ls {
		if l == nil {
			b.Fatalf("learner %s failed to join", names[i])
		}
		if l.err != nil {
			b.Fatalf("learner %s: %v", l.name, l.err)
		}
	}
	playing := rss(b, cmd.Process.Pid)
	steady := requestRate(b, admin, 10*time.Second)

	inst, err := dialClass(b, addr, room.InstructorUser, teacher)
	if err != nil {
		b.Fatal(err)
	}
	board := pollBoard(b, inst, n)
	eps := watchSlices(b, admin, "web-cluster")
	b.ResetTimer()
	reqs0, t0 := requestTotal(b, admin), time.Now()
	for _, l := range ls {
		wg.Add(1)
		go func() { defer wg.Done(); l.fix(b) }()
	}
	wg.Wait()
	var screen, onBoard, lag, first, slice, afterSlice []time.Duration
	lost := 0
	deadline := time.Now().Add(2 * time.Minute)
	for _, l := range ls {
		d, ok := l.waitScreen(time.Until(deadline))
		bt, bok := board.seen(l.name, time.Until(deadline))
		if !ok || !bok {
			lost++
			continue
		}
		screen = append(screen, d)
		onBoard = append(onBoard, bt.Sub(l.fixed))
		lag = append(lag, bt.Sub(l.fixed)-d)
		if at, ok := board.firstMove(l.name); ok {
			first = append(first, at.Sub(l.fixed))
		}
		if at, ok := eps.at(room.Namespace(ws, l.name)); ok {
			slice = append(slice, at.Sub(l.fixed))
			afterSlice = append(afterSlice, l.fixed.Add(d).Sub(at))
		}
	}
	fixRate := float64(requestTotal(b, admin)-reqs0) / time.Since(t0).Seconds()
	b.StopTimer()
	board.stop()
	eps.stop()
	mustSSH(b, inst, "end --yes")

	slices.Sort(screen)
	slices.Sort(onBoard)
	slices.Sort(lag)
	slices.Sort(first)
	slices.Sort(slice)
	slices.Sort(afterSlice)
	perLearner := float64(playing-idle) / float64(n) / (1 << 20)
	b.ReportMetric(pct(screen, 50).Seconds(), "screen-p50-s")
	b.ReportMetric(pct(screen, 95).Seconds(), "screen-p95-s")
	b.ReportMetric(pct(onBoard, 95).Seconds(), "board-p95-s")
	b.ReportMetric(pct(lag, 95).Seconds(), "board-after-screen-p95-s")
	b.ReportMetric(pct(first, 50).Seconds(), "board-api-check-p50-s")
	b.ReportMetric(pct(first, 95).Seconds(), "board-api-check-p95-s")
	b.ReportMetric(pct(slice, 50).Seconds(), "slice-p50-s")
	b.ReportMetric(pct(slice, 95).Seconds(), "slice-p95-s")
	b.ReportMetric(pct(afterSlice, 95).Seconds(), "screen-after-slice-p95-s")
	b.ReportMetric(perLearner, "MB-RSS/learner")
	b.ReportMetric(steady, "api-req/s-playing")
	b.ReportMetric(fixRate, "api-req/s-fixing")
	b.ReportMetric(float64(lost), "lost")
	b.Logf("%d learners: new EndpointSlice p50 %v p95 %v (%d seen), screen after it p50 %v p95 %v", n, pct(slice, 50), pct(slice, 95), len(slice), pct(afterSlice, 50), pct(afterSlice, 95))
	b.Logf("%d learners: API-only check on the board p50 %v p95 %v; screen p50 %v p95 %v; board p95 %v (%v after the screen, p95); RSS idle %d MB, playing %d MB (%.1f MB per learner); API %.0f req/s playing, %.0f req/s while fixing; %d lost",
		n, pct(first, 50), pct(first, 95), pct(screen, 50), pct(screen, 95), pct(onBoard, 95), pct(lag, 95), idle>>20, playing>>20, perLearner, steady, fixRate, lost)
	if lost > 0 {
		b.Errorf("%d of %d learners' verdicts never reached their screen or the board", lost, n)
	}
}

// benchLearner is one learner of the benchmark.
type benchLearner struct {
	ws     string
	name   string
	player kubernetes.Interface
	out    *watchWriter
	fixed  time.Time
	err    error
}

// joinAndPlay logs in as name, starts level 30, fetches the kubeconfig
// and opens the game, which goes back to level 30, until its checks show.
func joinAndPlay(b *testing.B, addr, ws, name string) *benchLearner {
	l := &benchLearner{ws: ws, name: name}
	cl, err := dialClass(b, addr, name, newSigner(b))
	if err != nil {
		l.err = err
		return l
	}
	if r := runSSH(b, cl, "start 30"); r.Status != 0 {
		l.err = fmt.Errorf("start 30: %s", r.Stderr)
		return l
	}
	l.player = playerClient(b, mustSSH(b, cl, "kubeconfig"))
	s, err := cl.NewSession()
	if err != nil {
		l.err = err
		return l
	}
	b.Cleanup(func() { _ = s.Close() })
	l.out = newWatchWriter("drill running", "Drill passed")
	s.Stdout, s.Stderr = l.out, l.out
	if _, err := s.StdinPipe(); err != nil {
		l.err = err
		return l
	}
	if err := s.RequestPty("xterm-256color", 40, 120, gossh.TerminalModes{}); err != nil {
		l.err = err
		return l
	}
	if err := s.Shell(); err != nil {
		l.err = err
		return l
	}
	if !l.out.waitText("Checks", time.Minute) {
		l.err = fmt.Errorf("the game did not show level 30's checks:\n%s", l.out.tail())
	}
	return l
}

// fix applies level 30's fix as the learner's player.
func (l *benchLearner) fix(b *testing.B) {
	fixLevel30As(b, l.player, room.Namespace(l.ws, l.name))
	l.fixed = time.Now()
}

// waitScreen waits for the passing verdict on the learner's screen and
// returns how long after the fix it showed.
func (l *benchLearner) waitScreen(d time.Duration) (time.Duration, bool) {
	at, ok := l.out.waitHit(d)
	if !ok {
		return 0, false
	}
	return at.Sub(l.fixed), true
}
