package kindcluster

import (
	"fmt"
	"strings"
	"sync"

	kindlog "sigs.k8s.io/kind/pkg/log"

	"github.com/k8squest/k8squest/engine/cluster"
)

// stepKind is the step name used for kind's lines outside any status step.
const stepKind = "kind"

// reporterLogger implements kind's log.Logger by turning kind's status lines
// (" • Ensuring node image ...", " ✓ ...", " ✗ ...") into cluster events.
type reporterLogger struct {
	rep  cluster.Reporter
	mu   sync.Mutex
	step string
}

var _ kindlog.Logger = (*reporterLogger)(nil)

func newLogger(rep cluster.Reporter) *reporterLogger {
	return &reporterLogger{rep: rep}
}

// Warn implements kindlog.Logger.
func (l *reporterLogger) Warn(message string) { l.info("warning: " + message) }

// Warnf implements kindlog.Logger.
func (l *reporterLogger) Warnf(format string, args ...any) {
	l.Warn(fmt.Sprintf(format, args...))
}

// Error implements kindlog.Logger.
func (l *reporterLogger) Error(message string) { l.info("error: " + message) }

// Errorf implements kindlog.Logger.
func (l *reporterLogger) Errorf(format string, args ...any) {
	l.Error(fmt.Sprintf(format, args...))
}

// V implements kindlog.Logger; only level 0, kind's user-facing lines, is on.
func (l *reporterLogger) V(level kindlog.Level) kindlog.InfoLogger {
	if level > 0 {
		return kindlog.NoopInfoLogger{}
	}
	return infoLogger{l}
}

// infoLogger is the level-0 InfoLogger of a reporterLogger.
type infoLogger struct{ l *reporterLogger }

// Info implements kindlog.InfoLogger.
func (i infoLogger) Info(message string) { i.l.line(message) }

// Infof implements kindlog.InfoLogger.
func (i infoLogger) Infof(format string, args ...any) { i.l.line(fmt.Sprintf(format, args...)) }

// Enabled implements kindlog.InfoLogger.
func (i infoLogger) Enabled() bool { return true }

// line translates one kind status line into an event. kind's status
// lines are " • X  ..." (a step starts), " ✓ X" (done) and " ✗ X"
// (failed); its other " • " lines (" • Ready after 12s 💚",
// " • WARNING: Timed out waiting for Ready ⚠️") are details, never steps.
func (l *reporterLogger) line(s string) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
	case strings.HasPrefix(s, "•") && strings.HasSuffix(s, "..."):
		step := trimStep(strings.TrimPrefix(s, "•"))
		l.setStep(step)
		l.rep.Report(cluster.Event{Step: step, State: cluster.StepStarted})
	case strings.HasPrefix(s, "✓"):
		l.rep.Report(cluster.Event{Step: trimStep(strings.TrimPrefix(s, "✓")), State: cluster.StepDone})
	case strings.HasPrefix(s, "✗"):
		l.rep.Report(cluster.Event{Step: trimStep(strings.TrimPrefix(s, "✗")), State: cluster.StepFailed})
	case strings.HasPrefix(s, "•"):
		l.info(strings.TrimPrefix(s, "•"))
	default:
		l.info(s)
	}
}

// info reports a line inside the current step.
func (l *reporterLogger) info(s string) {
	l.rep.Report(cluster.Event{Step: l.current(), State: cluster.StepInfo, Detail: strings.TrimSpace(s)})
}

// trimStep drops the "  ..." kind appends to a started step.
func trimStep(s string) string {
	return strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "..."))
}

func (l *reporterLogger) setStep(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.step = s
}

func (l *reporterLogger) current() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.step == "" {
		return stepKind
	}
	return l.step
}
