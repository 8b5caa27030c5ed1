package kube

import (
	"io"

	"k8s.io/klog/v2"
)

// client-go reports a dropped watch ("watch ended with error") and retries
// through klog, which writes to stderr: over the game's screen. The game
// shows those faults itself, so the lines go nowhere unless asked for.
func init() { SetLogOutput(io.Discard) }

// SetLogOutput sends client-go's log lines to w, for a debug log.
func SetLogOutput(w io.Writer) {
	klog.LogToStderr(false)
	klog.SetOutput(w)
}
