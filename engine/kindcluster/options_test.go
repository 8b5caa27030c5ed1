package kindcluster

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	kind "sigs.k8s.io/kind/pkg/cluster"
)

// fakeDocker puts a docker program first on PATH that records its arguments
// and answers only what kind asks before it creates anything: info, ps and
// image inspect. Everything else fails, so a create stops before any change.
// It returns the file the arguments are logged to.
func fakeDocker(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	logf := filepath.Join(dir, "args")
	script := `#!/bin/sh
echo "$*" >>` + logf + `
case "$1" in
info) echo '{"CgroupDriver":"cgroupfs","CgroupVersion":"1","MemoryLimit":true,"PidsLimit":true,"CPUShares":true}' ;;
ps|inspect) ;;
*) echo "fake docker: refusing $1" >&2; exit 1 ;;
esac
`
	if err := os.WriteFile(filepath.Join(dir, "docker"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(dir, "none.sock"))
	return logf
}

// imagesAsked returns the images kind inspected, one per `inspect --type=image` call.
func imagesAsked(t *testing.T, logf string) []string {
	t.Helper()
	raw, err := os.ReadFile(logf)
	if err != nil {
		t.Fatalf("fake docker was never called: %v", err)
	}
	var imgs []string
	for _, l := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(l); len(f) == 3 && f[0] == "inspect" && f[1] == "--type=image" {
			imgs = append(imgs, f[2])
		}
	}
	return imgs
}

const configWithImage = `kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
  image: example.test/from-config:v1
`

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kind.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// createWith runs the real kind library's Create with the provider's options
// against the fake docker and returns the images kind looked for.
func createWith(t *testing.T, o CreateOptions) []string {
	t.Helper()
	logf := fakeDocker(t)
	p := New(Options{StateDir: t.TempDir(), CreateOptions: o})
	api := kind.NewProvider(kind.ProviderWithDocker())
	opts, err := p.createOptions()
	if err != nil {
		t.Fatal(err)
	}
	if err := api.Create(ClusterName, opts...); err == nil {
		t.Fatal("create against the fake docker succeeded")
	}
	return imagesAsked(t, logf)
}

func TestCreateUsesNodeImage(t *testing.T) {
	imgs := createWith(t, CreateOptions{NodeImage: "example.test/node:v9"})
	if len(imgs) != 1 || imgs[0] != "example.test/node:v9" {
		t.Fatalf("kind looked for images %q, want only example.test/node:v9", imgs)
	}
}

func TestCreateUsesConfigFile(t *testing.T) {
	imgs := createWith(t, CreateOptions{ConfigFile: writeConfig(t, configWithImage)})
	if len(imgs) != 1 || imgs[0] != "example.test/from-config:v1" {
		t.Fatalf("kind looked for images %q, want the config file's", imgs)
	}
}

func TestCreateNodeImageOverridesConfigFile(t *testing.T) {
	imgs := createWith(t, CreateOptions{ConfigFile: writeConfig(t, configWithImage), NodeImage: "example.test/node:v9"})
	if len(imgs) != 1 || imgs[0] != "example.test/node:v9" {
		t.Fatalf("kind looked for images %q, want the --image one", imgs)
	}
}

func TestCreateWithoutOptionsUsesKindDefault(t *testing.T) {
	imgs := createWith(t, CreateOptions{})
	if len(imgs) != 1 || !strings.HasPrefix(imgs[0], "kindest/node:") {
		t.Fatalf("kind looked for images %q, want kind's default kindest/node", imgs)
	}
}

func TestValidateConfigFile(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	tests := []struct {
		name, body, want string
	}{
		{"good", configWithImage, ""},
		{"missing", "", missing},
		{"unknown field", configWithImage + "bogus: 1\n", `unknown field "bogus"`},
		{"not a cluster", "kind: Pod\napiVersion: v1\n", `kind "Pod"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := missing
			if tt.body != "" {
				path = writeConfig(t, tt.body)
			}
			err := CreateOptions{ConfigFile: path}.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("Validate = %v, want an error naming %s and %q", err, path, tt.want)
			}
		})
	}
}

func TestValidateNodeImage(t *testing.T) {
	if err := (CreateOptions{NodeImage: "a b"}).Validate(); err == nil || !strings.Contains(err.Error(), `"a b"`) {
		t.Fatalf("Validate = %v, want an error naming the image", err)
	}
}

func TestCreateOptionsFromEnv(t *testing.T) {
	t.Setenv(EnvNodeImage, " img:v1 ")
	t.Setenv(EnvConfigFile, "/x/kind.yaml")
	if got := CreateOptionsFromEnv(); got != (CreateOptions{NodeImage: "img:v1", ConfigFile: "/x/kind.yaml"}) {
		t.Fatalf("CreateOptionsFromEnv = %+v", got)
	}
}
