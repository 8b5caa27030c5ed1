package classroom

import (
	"strconv"
	"strings"
)

// screen replays a terminal's output into a grid of cells, enough of a
// terminal for the sequences Bubble Tea's renderer writes (cursor moves,
// erasures, repeats); colours and modes are ignored. Tests read the
// screen a learner sees instead of the bytes, which change with every
// optimisation of the renderer.
type screen struct {
	cells    [][]rune
	row, col int
	last     rune
	// unknown are the control sequences the replayer does not know, so a
	// test can fail saying so instead of comparing a wrong screen.
	unknown []string
}

// newScreen returns a blank screen of w×h.
func newScreen(w, h int) *screen {
	s := &screen{cells: make([][]rune, h)}
	for i := range s.cells {
		s.cells[i] = []rune(strings.Repeat(" ", w))
	}
	return s
}

// replay runs out through the screen and returns it.
func (s *screen) replay(out string) *screen {
	rs := []rune(out)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case r == 0x1b && i+1 < len(rs):
			i = s.escape(rs, i+1)
		case r == '\r':
			s.col = 0
		case r == '\n':
			s.move(s.row+1, s.col)
		case r >= ' ':
			s.put(r)
		}
	}
	return s
}

// escape handles the sequence after ESC at rs[i] and returns where it ends.
func (s *screen) escape(rs []rune, i int) int {
	switch rs[i] {
	case '[':
		j := i + 1
		for j < len(rs) && (rs[j] < 0x40 || rs[j] > 0x7e) {
			j++
		}
		if j < len(rs) {
			s.csi(string(rs[i+1:j]), rs[j])
		}
		return j
	case 'M': // reverse index: up a row, scrolling down at the top
		if s.row == 0 {
			s.insertLines(0, 1)
		} else {
			s.row--
		}
		return i
	case 'D': // index: down a row, scrolling up at the bottom
		if s.row == len(s.cells)-1 {
			s.deleteLines(0, 1)
		} else {
			s.row++
		}
		return i
	case ']': // OSC, to BEL or ST
		for j := i + 1; j < len(rs); j++ {
			if rs[j] == 0x07 || rs[j] == '\\' && rs[j-1] == 0x1b {
				return j
			}
		}
		return len(rs)
	}
	return i
}

// csi applies one control sequence.
func (s *screen) csi(params string, final rune) {
	if strings.ContainsAny(params, "?>=<$") {
		return // modes and queries
	}
	p := strings.Split(params, ";")
	n := func(k, def int) int {
		if k < len(p) {
			if v, err := strconv.Atoi(p[k]); err == nil && v > 0 {
				return v
			}
		}
		return def
	}
	switch final {
	case 'H', 'f':
		s.move(n(0, 1)-1, n(1, 1)-1)
	case 'A':
		s.move(s.row-n(0, 1), s.col)
	case 'B':
		s.move(s.row+n(0, 1), s.col)
	case 'C':
		s.move(s.row, s.col+n(0, 1))
	case 'D':
		s.move(s.row, s.col-n(0, 1))
	case 'G', '`':
		s.move(s.row, n(0, 1)-1)
	case 'd':
		s.move(n(0, 1)-1, s.col)
	case 'e':
		s.move(s.row+n(0, 1), s.col)
	case 'a':
		s.move(s.row, s.col+n(0, 1))
	case 'X':
		s.erase(s.row, s.col, s.col+n(0, 1))
	case 'K':
		from, to := s.col, len(s.cells[0])
		switch params {
		case "1":
			from, to = 0, s.col+1
		case "2":
			from = 0
		}
		s.erase(s.row, from, to)
	case 'L':
		s.insertLines(s.row, n(0, 1))
	case 'M':
		s.deleteLines(s.row, n(0, 1))
	case 'S':
		s.deleteLines(0, n(0, 1))
	case 'T':
		s.insertLines(0, n(0, 1))
	case 'J':
		if params == "2" {
			for r := range s.cells {
				s.erase(r, 0, len(s.cells[0]))
			}
		}
	case 'b':
		for range n(0, 1) {
			s.put(s.last)
		}
	case 'm': // colours and attributes
	default:
		s.unknown = append(s.unknown, "ESC["+params+string(final))
	}
}

// move puts the cursor at row, col, kept on the screen.
func (s *screen) move(row, col int) {
	s.row = min(max(row, 0), len(s.cells)-1)
	s.col = min(max(col, 0), len(s.cells[0])-1)
}

// put writes r at the cursor and moves right.
func (s *screen) put(r rune) {
	s.cells[s.row][s.col] = r
	s.last = r
	if s.col < len(s.cells[0])-1 {
		s.col++
	}
}

// erase blanks row's cells from a to b.
func (s *screen) erase(row, a, b int) {
	for c := a; c < min(b, len(s.cells[row])); c++ {
		s.cells[row][c] = ' '
	}
}

// insertLines inserts k blank rows at row, pushing the rows below down
// and off the bottom.
func (s *screen) insertLines(row, k int) {
	for range k {
		copy(s.cells[row+1:], s.cells[row:len(s.cells)-1])
		s.cells[row] = []rune(strings.Repeat(" ", len(s.cells[0])))
	}
}

// deleteLines deletes k rows at row, pulling the rows below up and
// blanking the bottom.
func (s *screen) deleteLines(row, k int) {
	for range k {
		copy(s.cells[row:], s.cells[row+1:])
		s.cells[len(s.cells)-1] = []rune(strings.Repeat(" ", len(s.cells[0])))
	}
}

// String is the screen, one line a row, trailing blanks trimmed.
func (s *screen) String() string {
	lines := make([]string, len(s.cells))
	for i, l := range s.cells {
		lines[i] = strings.TrimRight(string(l), " ")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}
