package levels

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/client-go/kubernetes"

	"github.com/k8squest/k8squest/engine/check"
	"github.com/k8squest/k8squest/engine/kube"
)

// BindNodePorts returns a copy of l whose ${NODE_PORT} is the player's own
// node port on the cluster cs, and whose namespaces admit node ports only in
// the player's block (see kube.NodePortAllocator). On the level's own
// namespace the level's default port is asked for first, so a lone player
// gets the port the briefing was written with. A level that declares no
// node ports is returned as it is, and so is l when the game's identity may
// not claim node ports (on a current cluster: the preflight names what is
// missing); it then plays with its default port and no range.
func (l *Level) BindNodePorts(ctx context.Context, cs kubernetes.Interface) (*Level, error) {
	if !l.Protections.NodePorts {
		return l, nil
	}
	req := kube.NodePortRequest{Namespace: l.Namespace}
	for _, ns := range l.namespaceMap(l.Namespace) {
		req.Namespaces = append(req.Namespaces, ns)
	}
	if l.Namespace == l.home {
		req.Want = l.defaultNodePort
	} else {
		req.Spare = l.defaultNodePort
	}
	r, err := kube.NewNodePortAllocator(cs).Assign(ctx, req)
	if apierrors.IsForbidden(err) {
		return l, nil
	}
	if err != nil {
		return nil, fmt.Errorf("give the player of level %d in namespace %s node ports: %w", l.ID, l.Namespace, err)
	}
	return l.WithNodePorts(r)
}

// WithNodePorts returns a copy of l that lets the player use node ports r
// and no others, with ${NODE_PORT} the level's default port when r holds it
// and r's first port otherwise.
func (l *Level) WithNodePorts(r kube.PortRange) (*Level, error) {
	c := *l
	c.Protections.NodePortRange = &r
	c.NodePort = r.Min
	if l.defaultNodePort >= r.Min && l.defaultNodePort <= r.Max {
		c.NodePort = l.defaultNodePort
	}
	c.Checks = make([]CheckSpec, len(l.Checks))
	for i, ch := range l.Checks {
		if bytes.Contains(ch.params, []byte(NodePortVar)) {
			built, err := check.Build(ch.Type, withNodePort(ch.params, c.NodePort))
			if err != nil {
				return nil, fmt.Errorf("level %d: check %s with node port %d: %w", l.ID, ch.ID, c.NodePort, err)
			}
			ch.Check = built
		}
		c.Checks[i] = ch
	}
	return c.expanded(), nil
}

// withNodePort replaces ${NODE_PORT} in a check's JSON parameters by port:
// a whole value becomes a number, a part of a string its digits.
func withNodePort(params []byte, port int32) []byte {
	n := []byte(fmt.Sprint(port))
	out := bytes.ReplaceAll(params, []byte(`"`+NodePortVar+`"`), n)
	return bytes.ReplaceAll(out, []byte(NodePortVar), n)
}

// nodePortUse refuses ${NODE_PORT} in field when the level declares no node
// ports, or no default port for a lone player.
func (b *builder) nodePortUse(field, text string) error {
	if !strings.Contains(text, NodePortVar) {
		return nil
	}
	s := b.spec.Services
	switch {
	case s == nil || !s.NodePort:
		return b.errf(field, "uses %s, but the level declares no node ports: add services: {nodePort: true}", NodePortVar)
	case s.DefaultNodePort == 0:
		return b.errf(field, "uses %s, but services.defaultNodePort is not set: name the node port a lone player on the level's own namespace gets", NodePortVar)
	}
	return nil
}

// textPorts checks every text of l for ${NODE_PORT} (manifests and checks
// are checked as they are read).
func (b *builder) textPorts(l *Level) error {
	name := func(field, file, fallback string) string {
		if file == "" {
			file = fallback
		}
		return fmt.Sprintf("%s (%s)", field, path.Base(file))
	}
	uses := []struct{ field, text string }{
		{name("briefing", b.spec.Briefing, defaultBriefing), l.Briefing},
		{name("debrief", b.spec.Debrief, defaultDebrief), l.Debrief},
		{name("solution.file", b.spec.Solution.File, ""), l.Solution.Text},
	}
	for i, h := range l.Hints {
		uses = append(uses, struct{ field, text string }{name(fmt.Sprintf("hints[%d].file", i), b.spec.Hints[i].File, ""), h.Text})
	}
	for i, s := range l.Spoilers {
		uses = append(uses, struct{ field, text string }{fmt.Sprintf("spoilers[%d]", i), s})
	}
	for _, u := range uses {
		if err := b.nodePortUse(u.field, u.text); err != nil {
			return err
		}
	}
	return nil
}
