package game

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/k8squest/k8squest/engine/cluster"
)

// slowPluginKubeconfig writes a kubeconfig for a stand-in API server whose
// user's credential plugin complains on stderr and takes 0.6 s.
func slowPluginKubeconfig(t *testing.T) string {
	t.Helper()
	s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"major":"1","minor":"37","gitVersion":"v1.37.2"}`)
	}))
	t.Cleanup(s.Close)
	dir := t.TempDir()
	script := filepath.Join(dir, "slow-plugin")
	body := "#!/bin/sh\necho 'slow-plugin: signing you in' >&2\nsleep 0.6\n" +
		`echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t"}}'` + "\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["c"] = &clientcmdapi.Cluster{Server: s.URL, InsecureSkipTLSVerify: true}
	cfg.AuthInfos["u"] = &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{
		Command: script, APIVersion: "client.authentication.k8s.io/v1",
		InteractiveMode: clientcmdapi.IfAvailableExecInteractiveMode,
	}}
	cfg.Contexts["ctx"] = &clientcmdapi.Context{Cluster: "c", AuthInfo: "u"}
	cfg.CurrentContext = "ctx"
	path := filepath.Join(dir, "kubeconfig")
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestSignInBeforeTheScreen: the play command's sign-in shows the slow
// plugin as a plain step on its own stderr, and the plugin's complaint
// reaches neither that nor the process's stderr.
func TestSignInBeforeTheScreen(t *testing.T) {
	path := slowPluginKubeconfig(t)
	t.Setenv("KUBECONFIG", "")
	t.Setenv("HOME", t.TempDir())
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = w
	var steps bytes.Buffer
	x := &Game{opts: Options{Provider: "current", Kubeconfig: path}}
	err = x.SignIn(context.Background(), func(e cluster.Event) { fmt.Fprintln(&steps, e.Step, e.Detail) })
	os.Stderr = saved
	_ = w.Close()
	leaked, _ := io.ReadAll(r)
	if err != nil {
		t.Fatalf("signIn: %v", err)
	}
	if !strings.Contains(steps.String(), "waiting for the credential plugin slow-plugin") {
		t.Errorf("no step for the slow plugin in %q", steps.String())
	}
	if strings.Contains(steps.String(), "signing you in") || len(leaked) > 0 {
		t.Errorf("the plugin's stderr reached the terminal: steps %q, stderr %q", steps.String(), leaked)
	}
}

// TestSignInLeavesOtherProvidersAlone: without the current provider there
// is nothing to sign in to, and nothing is probed or printed.
func TestSignInLeavesOtherProvidersAlone(t *testing.T) {
	t.Setenv("K8SQUEST_PROVIDER", "")
	var steps bytes.Buffer
	x := &Game{opts: Options{Provider: "sim"}}
	if x.NeedsSignIn() {
		t.Fatal("NeedsSignIn on sim")
	}
	if err := x.SignIn(context.Background(), func(e cluster.Event) { fmt.Fprintln(&steps, e.Step, e.Detail) }); err != nil || steps.Len() != 0 {
		t.Fatalf("signIn on sim: %v, printed %q", err, steps.String())
	}
}
