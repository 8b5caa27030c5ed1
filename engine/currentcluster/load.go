package currentcluster

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// loaded is the kubeconfig as kubectl would see it.
type loaded struct {
	rules   *clientcmd.ClientConfigLoadingRules
	raw     clientcmdapi.Config
	context string
	rest    *rest.Config
}

// load reads the kubeconfig with kubectl's rules and the chosen context.
func (p *Provider) load() (*loaded, error) {
	if path := p.opts.Kubeconfig; path != "" {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("kubeconfig %s: %w", path, err)
		}
	}
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	rules.ExplicitPath = p.opts.Kubeconfig
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules,
		&clientcmd.ConfigOverrides{CurrentContext: p.opts.Context})
	raw, err := cc.RawConfig()
	if err != nil {
		return nil, fmt.Errorf("load kubeconfig %s: %w", describe(rules), err)
	}
	rc, err := cc.ClientConfig()
	if err != nil {
		return nil, loadError(rules, err)
	}
	if err := quietPlugin(rc); err != nil {
		return nil, fmt.Errorf("kubeconfig %s: %w", describe(rules), err)
	}
	l := &loaded{rules: rules, raw: raw, context: raw.CurrentContext, rest: rc}
	if p.opts.Context != "" {
		l.context = p.opts.Context
	}
	return l, nil
}

func loadError(rules *clientcmd.ClientConfigLoadingRules, err error) error {
	if clientcmd.IsEmptyConfig(err) {
		return fmt.Errorf("no usable kubeconfig in %s (set KUBECONFIG or --kubeconfig, or use --provider kind or sim): %w",
			describe(rules), err)
	}
	return fmt.Errorf("kubeconfig %s: %w", describe(rules), err)
}

// describe names the files kubectl would read.
func describe(rules *clientcmd.ClientConfigLoadingRules) string {
	if rules.ExplicitPath != "" {
		return rules.ExplicitPath
	}
	return fmt.Sprint(rules.GetLoadingPrecedence())
}

// kubeconfigFor returns one file the player's shell can use for l: the
// explicit or only file, else a flattened, minified copy in the state dir.
func (p *Provider) kubeconfigFor(l *loaded) (string, error) {
	if l.rules.ExplicitPath != "" {
		return l.rules.ExplicitPath, nil
	}
	if files := existing(l.rules.GetLoadingPrecedence()); len(files) == 1 {
		return files[0], nil
	}
	return p.writeFlat(l)
}

func existing(paths []string) []string {
	var out []string
	for _, f := range paths {
		if _, err := os.Stat(f); err == nil {
			out = append(out, f)
		}
	}
	return out
}

// writeFlat writes the chosen context alone, with certificates inlined.
func (p *Provider) writeFlat(l *loaded) (string, error) {
	cfg := l.raw.DeepCopy()
	cfg.CurrentContext = l.context
	if err := clientcmdapi.MinifyConfig(cfg); err != nil {
		return "", fmt.Errorf("minify kubeconfig for context %q: %w", l.context, err)
	}
	if err := clientcmdapi.FlattenConfig(cfg); err != nil {
		return "", fmt.Errorf("flatten kubeconfig for context %q: %w", l.context, err)
	}
	path := p.FlatKubeconfigPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("create directory for %s: %w", path, err)
	}
	if err := clientcmd.WriteToFile(*cfg, path); err != nil {
		return "", fmt.Errorf("write kubeconfig %s: %w", path, err)
	}
	return path, nil
}

// ping asks the API server for its version within timeout.
func ping(ctx context.Context, cfg *rest.Config, timeout time.Duration) error {
	c := rest.CopyConfig(cfg)
	c.Timeout = timeout
	dc, err := discovery.NewDiscoveryClientForConfig(c)
	if err != nil {
		return fmt.Errorf("API client: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := dc.RESTClient().Get().AbsPath("/version").Do(ctx).Error(); err != nil {
		return fmt.Errorf("API server not answering: %w", err)
	}
	return nil
}
