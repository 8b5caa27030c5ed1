package classroom

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"strings"
)

// codeAlphabet leaves out letters and digits that read alike (0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// NewJoinCode returns a fresh random join code such as "K7QM-2XHT-9RWA":
// 12 characters of a 31-letter alphabet, about 59 bits.
func NewJoinCode() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate a join code: %w", err)
	}
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		// 256 is not a multiple of 31: the bias is under 1 in 8 per
		// character, which costs a fraction of a bit of the 59.
		sb.WriteByte(codeAlphabet[int(c)%len(codeAlphabet)])
	}
	return sb.String(), nil
}

// normalizeCode makes typing forgiving: case, spaces and dashes do not count.
func normalizeCode(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(s)))
}

// codeMatches compares an answer with the join code in constant time.
// Both are hashed first so that neither their lengths nor their common
// prefix shows in the time taken.
func codeMatches(want, got string) bool {
	w := sha256.Sum256([]byte(normalizeCode(want)))
	g := sha256.Sum256([]byte(normalizeCode(got)))
	return subtle.ConstantTimeCompare(w[:], g[:]) == 1
}

// validJoinCode checks a join code given by the instructor.
func validJoinCode(code string) error {
	if n := len(normalizeCode(code)); n < 6 {
		return fmt.Errorf("join code %q has %d characters that count: use at least 6 (leave it empty to have one generated)", code, n)
	}
	return nil
}
