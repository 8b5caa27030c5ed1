package classroom

import (
	"encoding/json"
	"fmt"

	"github.com/k8squest/k8squest/engine/check"
)

// checkJSON is Check on the wire.
type checkJSON struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Status string `json:"status"`
}

// MarshalJSON implements json.Marshaler.
func (c Check) MarshalJSON() ([]byte, error) {
	return json.Marshal(checkJSON{ID: c.ID, Title: c.Title, Status: c.Status.String()})
}

// UnmarshalJSON implements json.Unmarshaler.
func (c *Check) UnmarshalJSON(b []byte) error {
	var j checkJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	st, err := parseStatus(j.Status)
	if err != nil {
		return fmt.Errorf("check %q: %w", j.ID, err)
	}
	*c = Check{ID: j.ID, Title: j.Title, Status: st}
	return nil
}

// parseStatus reads a status word.
func parseStatus(s string) (check.Status, error) {
	for _, st := range []check.Status{check.Pending, check.Pass, check.Fail, check.Unknown} {
		if st.String() == s {
			return st, nil
		}
	}
	return check.Pending, fmt.Errorf("field status: %q is not pass, fail, pending or unknown", s)
}
