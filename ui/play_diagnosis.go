package ui

import "github.com/k8squest/k8squest/engine/check"

// The checklist shows each check's goal and symptom; a check's diagnosis is
// earned: it shows once the hint the level names for it is open (or the
// solution), and on the result screen.

// revealed reports whether check id's diagnosis may be shown: the hint that
// reveals it, or the solution, is open.
func (p *playScreen) revealed(id string) bool {
	if p.solutionOpened {
		return true
	}
	i := p.level.RevealedBy(id)
	return i >= 0 && i < p.hintsOpened
}

// diagnosisView is the line under a check's symptom once its diagnosis is
// revealed; empty otherwise, or when it would only repeat the symptom.
func (p *playScreen) diagnosisView(r check.Result, width int) string {
	if !p.revealed(r.ID) {
		return ""
	}
	return diagnosisLine(p.c.Styles, r, width)
}

// diagnosisLine renders "why: <diagnosis>" under a check, or "" when the
// diagnosis says no more than the symptom.
func diagnosisLine(st *Styles, r check.Result, width int) string {
	if r.Diagnosis == "" || r.Diagnosis == r.Message {
		return ""
	}
	return "\n" + st.Diagnosis.Render(wrap("why: "+r.Diagnosis, width-st.Diagnosis.GetHorizontalFrameSize()))
}
