package game

import (
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestDoctorChecksAreLevel30s(t *testing.T) {
	items, err := doctorChecks("web", "web-cluster")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, it := range items {
		ids = append(ids, it.ID)
	}
	if got := strings.Join(ids, ","); got != "headless,wiring,ready,pod-dns,service-dns" {
		t.Errorf("checks %s", got)
	}
	if items, _ := doctorChecks("web", ""); len(items) != 1 || items[0].ID != "ready" {
		t.Errorf("without a serviceName: %+v", items)
	}
}

func TestDoctorVictimOrdinal(t *testing.T) {
	three := int32(3)
	sts := &appsv1.StatefulSet{ObjectMeta: metav1.ObjectMeta{Name: "web"}, Spec: appsv1.StatefulSetSpec{Replicas: &three}}
	for _, tc := range []struct{ flag, want int }{{-1, 2}, {0, 0}, {1, 1}} {
		if got := victimOrdinal(sts, tc.flag); got != tc.want {
			t.Errorf("--ordinal %d: %d, want %d", tc.flag, got, tc.want)
		}
	}
}
