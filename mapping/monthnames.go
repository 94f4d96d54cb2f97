package mapping

import "strings"

// monthNames are the English month names MMMM reads; MMM reads their first
// three letters, and Sept, which some locales write for September.
func monthNames() [12]string {
	return [12]string{"January", "February", "March", "April", "May", "June",
		"July", "August", "September", "October", "November", "December"}
}

// leadingMonth reads a month name from the start of v, ignoring case, and
// returns its number.
func leadingMonth(v string, long bool) (month int, rest string, ok bool) {
	n := 0
	for n < len(v) && (v[n]|0x20 >= 'a' && v[n]|0x20 <= 'z') {
		n++
	}
	word, rest := v[:n], v[n:]
	for i, name := range monthNames() {
		if !long && len(name) > 3 {
			name = name[:3]
		}
		if strings.EqualFold(word, name) || !long && i == 8 && strings.EqualFold(word, "Sept") {
			return i + 1, rest, true
		}
	}
	return 0, v, false
}
