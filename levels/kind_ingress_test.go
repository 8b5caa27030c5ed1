//go:build kind

package levels_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/kindtest"
)

// Answers that tell who answered a request sent through the controller.
const (
	// traefikNotFound is the body of Traefik's own 404: no router matched.
	traefikNotFound = "404 page not found"
	// nginxPage is in the page of the nginx stand-in web-app runs.
	nginxPage = "Welcome to nginx!"
	// httpdNotFound is in busybox httpd's 404 page: the request reached
	// web-app, which has no such file.
	httpdNotFound = "<TITLE>404 Not Found</TITLE>"
)

// viaIngress is a shell command that sends GET path with Host host to the
// Ingress controller and succeeds when the status line holds status and
// the answer holds want. It prints the answer either way.
//
// The request's writer stays open for a second after the request: busybox
// nc shuts its sending half down at the end of its input, and Go's HTTP
// server (Traefik's) takes that end of the stream for a client that left and
// cancels the request, so Traefik answers 499 whenever web-app's answer is
// slower than the FIN. The server closes the connection after an HTTP/1.0
// answer, well within that second.
func viaIngress(ing kindtest.Ingress, host, path string, status int, want string) string {
	return fmt.Sprintf(`{ printf 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n'; sleep 1; } | nc -w 3 %s %d >/tmp/answer; `+
		`cat /tmp/answer; head -1 /tmp/answer | grep -q ' %d ' && grep -qF %q /tmp/answer`,
		path, host, ing.Host, ing.Port, status, want)
}

// servedBy waits until the controller's access log shows a request for
// path answered with 200 by router (ROUTER@kubernetes, where Traefik names
// an Ingress's router NAMESPACE-INGRESS[-HOST]) and one of web-app's pods,
// and returns that line.
func (r *rig) servedBy(ing kindtest.Ingress, path, router string) string {
	r.t.Helper()
	pods := r.podIPsOf("app=web-app")
	var line string
	ctx, cancel := context.WithTimeout(context.Background(), trafficTimeout)
	defer cancel()
	for ctx.Err() == nil {
		tail := int64(200)
		raw, err := r.cs.CoreV1().Pods(kindtest.IngressNamespace).GetLogs(ing.Pod, &corev1.PodLogOptions{TailLines: &tail}).DoRaw(ctx)
		if err == nil {
			for _, l := range strings.Split(string(raw), "\n") {
				if !strings.Contains(l, `"GET `+path+` HTTP/1.0" 200 `) || !strings.Contains(l, `"`+router+`@kubernetes"`) {
					continue
				}
				for _, ip := range pods {
					if strings.Contains(l, `"http://`+ip+`:80"`) {
						line = l
					}
				}
			}
		}
		if line != "" {
			return line
		}
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
	r.t.Fatalf("no line of the controller's access log shows GET %s answered 200 by router %s and a pod of web-app (%v)", path, router, pods)
	return ""
}

// aloneOnHost waits until no Ingress outside the rig's namespace names host
// (those of rigs that ended go with their namespaces), and fails naming
// them otherwise: the controller would serve the host from them too.
func (r *rig) aloneOnHost(host string) {
	r.t.Helper()
	var others []string
	ctx, cancel := context.WithTimeout(context.Background(), trafficTimeout)
	defer cancel()
	err := wait.PollUntilContextCancel(ctx, 500*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		list, err := r.cs.NetworkingV1().Ingresses("").List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, nil //nolint:nilerr // the API blinked: ask again until ctx ends
		}
		others = nil
		for _, ing := range list.Items {
			for _, rule := range ing.Spec.Rules {
				if ing.Namespace != r.ns && (rule.Host == host || rule.Host == "") {
					others = append(others, ing.Namespace+"/"+ing.Name)
					break
				}
			}
		}
		return len(others) == 0, nil
	})
	if err != nil {
		r.t.Fatalf("Ingresses outside %s still claim %s after %s: %v (the controller serves the host from every namespace)", r.ns, host, trafficTimeout, others)
	}
}

// Level 24 through a real Ingress controller (Traefik, its Kubernetes
// Ingress provider), from a pod to the controller's Service: whenever the
// game's ingressRoutes check passes, http://myapp.local/ reaches web-app's
// pods (the access log names the rig's router and a pod of web-app), and
// when it fails, the controller answers 404 itself, or the check's reason
// says that Traefik routes what ingress-nginx would not.
func TestKindTrafficLevel24(t *testing.T) {
	t.Parallel()
	myappLocal.Lock()
	t.Cleanup(myappLocal.Unlock)
	r := setUp(t, 24)
	ing := kindtest.IngressController(t, r.c)
	r.aloneOnHost("myapp.local")
	tb := r.toolbox()
	hostRouter := r.ns + "-web-ingress-myapp-local"
	root := func(status int, want string) { r.traffic(tb, viaIngress(ing, "myapp.local", "/", status, want), true) }

	// Broken: the rule routes /api only: /api reaches web-app (whose httpd
	// has no /api), so the controller has the Ingress, and / gets the
	// controller's own 404.
	r.until(60*time.Second, "the broken state", is("route", check.Fail, "http://myapp.local/ matches no rule of Ingress web-ingress", "/api Prefix", "no defaultBackend"))
	r.traffic(tb, viaIngress(ing, "myapp.local", "/api", 404, httpdNotFound), true)
	root(404, traefikNotFound)

	// An alternative fix: keep /api, add / (the port by its name).
	r.semPatch("Ingress", "web-ingress", `[{"op":"add","path":"/spec/rules/0/http/paths/-","value":
		{"path":"/","pathType":"Prefix","backend":{"service":{"name":"web-service","port":{"name":"http"}}}}}]`, true)
	r.until(60*time.Second, "passing with a second path", all(passed, is("route", check.Pass, "path / Prefix", "port 80")))
	root(200, nginxPage)
	t.Logf("access log: %s", r.servedBy(ing, "/", hostRouter))

	r.resetLevel() // which removes the toolbox too
	tb = r.toolboxNamed("toolbox-after-reset")
	r.until(60*time.Second, "the broken state after reset", is("route", check.Fail, "matches no rule", "/api Prefix"))
	root(404, traefikNotFound)

	// Where controllers differ, the check takes a route only if both
	// ingress-nginx and Traefik would. A defaultBackend next to the rule:
	// Traefik ignores it (404), and the check says so. The path /seen, added
	// with it, shows when the controller has this version of the Ingress.
	r.semPatch("Ingress", "web-ingress", `[{"op":"add","path":"/spec/defaultBackend","value":{"service":{"name":"web-service","port":{"number":80}}}},
		{"op":"add","path":"/spec/rules/0/http/paths/-","value":{"path":"/seen","pathType":"Exact","backend":{"service":{"name":"web-service","port":{"number":80}}}}}]`, true)
	r.until(60*time.Second, "failing with a defaultBackend next to the rule", is("route", check.Fail,
		"only its defaultBackend web-service:80 could take it", "Traefik uses an Ingress's defaultBackend only when the Ingress has no rules"))
	r.traffic(tb, viaIngress(ing, "myapp.local", "/seen", 404, httpdNotFound), true)
	root(404, traefikNotFound)
	// A rule without host next to the host's: Traefik routes by it (to
	// web-app's pods), ingress-nginx would not, and the check says so.
	r.semPatch("Ingress", "web-ingress", `[{"op":"remove","path":"/spec/defaultBackend"},{"op":"remove","path":"/spec/rules/0/http/paths/1"},{"op":"add","path":"/spec/rules/-","value":
		{"http":{"paths":[{"path":"/","pathType":"Prefix","backend":{"service":{"name":"web-service","port":{"number":80}}}}]}}}]`, true)
	r.until(60*time.Second, "failing with a rule without host", is("route", check.Fail,
		"rule 2, without host, has a matching path too: Traefik routes by it, ingress-nginx does not"))
	root(200, nginxPage)
	t.Logf("access log: %s", r.servedBy(ing, "/", r.ns+"-web-ingress"))

	// Wrong fixes. The container port: Traefik finds no such Service port
	// and makes no router.
	r.semPatch("Ingress", "web-ingress", `[{"op":"remove","path":"/spec/rules/1"},
		{"op":"replace","path":"/spec/rules/0/http/paths/0/path","value":"/"},
		{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/port/number","value":8080}]`, true)
	r.until(60*time.Second, "failing on the port", is("route", check.Fail, "Service web-service has no port 8080; it declares 80 (http)"))
	root(404, traefikNotFound)
	// Another host: the route is live, for that name only.
	r.semPatch("Ingress", "web-ingress", `[{"op":"replace","path":"/spec/rules/0/http/paths/0/backend/service/port/number","value":80},
		{"op":"replace","path":"/spec/rules/0/host","value":"myapp.com"}]`, true)
	r.until(60*time.Second, "failing on the host", is("route", check.Fail, "no rule's host matches myapp.local; hosts are myapp.com"))
	r.traffic(tb, viaIngress(ing, "myapp.com", "/", 200, nginxPage), true)
	root(404, traefikNotFound)

	// The solution.
	r.applySolution()
	r.until(60*time.Second, "passing after the fix", all(passed, is("route", check.Pass, "routes to Service web-service port 80", "path / Prefix")))
	root(200, nginxPage)
	t.Logf("access log: %s", r.servedBy(ing, "/", hostRouter))
	// Prefix / covers deeper paths too.
	r.traffic(tb, viaIngress(ing, "myapp.local", "/index.html", 200, nginxPage), true)

	r.resetLevel()
	tb = r.toolboxNamed("toolbox-after-second-reset")
	r.until(60*time.Second, "the broken state after the second reset", is("route", check.Fail, "matches no rule", "/api Prefix"))
	root(404, traefikNotFound)
}
