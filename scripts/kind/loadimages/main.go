// Command loadimages loads docker-save archives into every node of a kind
// cluster with kind's Go library (nodeutils.LoadImageArchive), never the kind
// CLI. It talks to the Docker daemon DOCKER_HOST names.
//
//	go run ./scripts/kind/loadimages [-cluster NAME] ARCHIVE...
//
// With -exists it only reports, by its exit status, whether the cluster has
// nodes (0 yes, 3 no).
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	kind "sigs.k8s.io/kind/pkg/cluster"
	"sigs.k8s.io/kind/pkg/cluster/nodeutils"
)

// exitNoCluster is the exit status when the cluster has no nodes.
const exitNoCluster = 3

func main() {
	name := flag.String("cluster", "k8squest", "kind cluster name")
	exists := flag.Bool("exists", false, "only report whether the cluster has nodes")
	flag.Parse()
	if err := run(*name, *exists, flag.Args()); err != nil {
		fmt.Fprintf(os.Stderr, "loadimages: %v\n", err)
		if errors.Is(err, errNoCluster) {
			os.Exit(exitNoCluster)
		}
		os.Exit(1)
	}
}

var errNoCluster = fmt.Errorf("kind cluster has no nodes")

func run(name string, existsOnly bool, archives []string) error {
	p := kind.NewProvider(kind.ProviderWithDocker())
	nodes, err := p.ListInternalNodes(name)
	if err != nil {
		return fmt.Errorf("list nodes of kind cluster %s: %w", name, err)
	}
	if len(nodes) == 0 {
		return errNoCluster
	}
	if existsOnly {
		return nil
	}
	if len(archives) == 0 {
		return fmt.Errorf("no archive given")
	}
	for _, a := range archives {
		for _, n := range nodes {
			start := time.Now()
			if err := load(n.String(), a, func(f *os.File) error { return nodeutils.LoadImageArchive(n, f) }); err != nil {
				return err
			}
			fmt.Fprintf(os.Stderr, "loadimages: %s loaded into %s in %.1f s\n", a, n, time.Since(start).Seconds())
		}
	}
	return nil
}

func load(node, archive string, into func(*os.File) error) error {
	f, err := os.Open(archive)
	if err != nil {
		return fmt.Errorf("open image archive: %w", err)
	}
	defer f.Close()
	if err := into(f); err != nil {
		return fmt.Errorf("load %s into node %s: %w", archive, node, err)
	}
	return nil
}
