package currentcluster

import (
	"context"
	"fmt"
	"sync"

	authzv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	authzclient "k8s.io/client-go/kubernetes/typed/authorization/v1"
)

// askers bounds how many SelfSubjectAccessReviews are in flight at once.
const askers = 8

// asker asks the API server SelfSubjectAccessReviews and remembers the
// answers, so that a permission is asked at most once.
type asker struct {
	reviews authzclient.SelfSubjectAccessReviewInterface
	allowed map[permission]bool
	// asked counts the reviews sent.
	asked int
}

func newAsker(r authzclient.SelfSubjectAccessReviewInterface) *asker {
	return &asker{reviews: r, allowed: map[permission]bool{}}
}

// ask learns the answer for every permission in ps not asked yet, a few at
// a time. It stops at the first review that fails.
func (a *asker) ask(ctx context.Context, ps []permission) error {
	todo := a.unknown(ps)
	answers := make([]bool, len(todo))
	errs := make([]error, len(todo))
	sem := make(chan struct{}, askers)
	var wg sync.WaitGroup
	for i, p := range todo {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			answers[i], errs[i] = a.review(ctx, p)
		}()
	}
	wg.Wait()
	a.asked += len(todo)
	for i, p := range todo {
		if errs[i] != nil {
			return fmt.Errorf("ask the API server whether you may %s: %w", p, errs[i])
		}
		a.allowed[p] = answers[i]
	}
	return nil
}

// unknown returns the permissions of ps without an answer, each once.
func (a *asker) unknown(ps []permission) []permission {
	seen := map[permission]bool{}
	var out []permission
	for _, p := range ps {
		if _, ok := a.allowed[p]; !ok && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

func (a *asker) review(ctx context.Context, p permission) (bool, error) {
	r := &authzv1.SelfSubjectAccessReview{Spec: authzv1.SelfSubjectAccessReviewSpec{ResourceAttributes: p.attributes()}}
	out, err := a.reviews.Create(ctx, r, metav1.CreateOptions{})
	if err != nil {
		return false, err
	}
	return out.Status.Allowed, nil
}

// missing returns the permissions of ps that were denied.
func (a *asker) missing(ps []permission) []permission {
	var out []permission
	for _, p := range ps {
		if !a.allowed[p] {
			out = append(out, p)
		}
	}
	return out
}
