package cluster

import "testing"

func TestControllerRate(t *testing.T) {
	for _, c := range []struct{ learners, qps, burst int }{
		{0, 20, 30}, {1, 20, 30}, {5, 20, 30}, {6, 24, 36}, {50, 200, 300},
	} {
		if q, b := ControllerRate(c.learners); q != c.qps || b != c.burst {
			t.Errorf("ControllerRate(%d) = %d, %d; want %d, %d", c.learners, q, b, c.qps, c.burst)
		}
	}
}
