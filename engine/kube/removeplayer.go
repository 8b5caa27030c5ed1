package kube

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
)

// RemovePlayer deletes the identity of the player whose levels run in
// namespace mainNS: the ServiceAccount, every ClusterRoleBinding that
// names it, and its node-port claims. What is already gone is no error.
// The Roles and RoleBindings live in the level namespaces and go with
// them.
func RemovePlayer(ctx context.Context, cs kubernetes.Interface, mainNS string) error {
	sa := PlayerAccount(mainNS)
	crbs, err := cs.RbacV1().ClusterRoleBindings().List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("list the cluster role bindings of %s: %w", sa, err)
	}
	for _, b := range crbs.Items {
		for _, s := range b.Subjects {
			if s.Kind != "ServiceAccount" || s.Name != sa || s.Namespace != PlayersNamespace {
				continue
			}
			if err := cs.RbacV1().ClusterRoleBindings().Delete(ctx, b.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
				return fmt.Errorf("delete the cluster role binding %s: %w", b.Name, err)
			}
			break
		}
	}
	if err := ReleaseNodePorts(ctx, cs, mainNS); err != nil {
		return err
	}
	err = cs.CoreV1().ServiceAccounts(PlayersNamespace).Delete(ctx, sa, metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete the player ServiceAccount %s: %w", sa, err)
	}
	return nil
}
