package mapping

import (
	"fmt"
	"strconv"
	"strings"
)

// uniqueKey is a value that must not repeat within one source.
type uniqueKey struct {
	field string
	key   func(Record) string
	why   string
}

func uniqueKeys() []uniqueKey {
	return []uniqueKey{
		{FieldExternalUserID, func(r Record) string { return r.ExternalUserID }, "each person needs their own ID"},
		{FieldEmail, func(r Record) string { return strings.ToLower(r.Email) }, "Parchment needs a different email for each user"},
		{FieldHPIINumber, func(r Record) string { return r.HPIINumber }, "an HPI-I belongs to one practitioner"},
	}
}

// MarkDuplicates adds an error to every row that shares an
// external_user_id, an email (ignoring case) or an HPI-I with another row:
// which of them is right is for a person to decide. Skipped rows take no
// part.
func MarkDuplicates(rows []Row) {
	for _, k := range uniqueKeys() {
		seen := map[string][]int{}
		for i, row := range rows {
			if v := k.key(row.Record); v != "" && !row.Skipped {
				seen[v] = append(seen[v], i)
			}
		}
		for _, at := range seen {
			if len(at) < 2 {
				continue
			}
			for _, i := range at {
				rows[i].Problems = append(rows[i].Problems, Problem{
					Line:           rows[i].Line,
					ExternalUserID: rows[i].Record.ExternalUserID,
					Field:          k.field,
					Message:        fmt.Sprintf("%s is also used on %s; %s", k.field, otherLines(rows, at, i), k.why),
					Severity:       SeverityError,
				})
			}
		}
	}
}

// otherLines names the lines of the rows in group other than self.
func otherLines(rows []Row, group []int, self int) string {
	const maxListed = 5
	var lines []string
	for _, i := range group {
		if i != self && len(lines) < maxListed {
			lines = append(lines, strconv.Itoa(rows[i].Line))
		}
	}
	word := "line "
	if len(group) > 2 {
		word = "lines "
	}
	if more := len(group) - 1 - len(lines); more > 0 {
		return fmt.Sprintf("%s%s and %d more", word, strings.Join(lines, ", "), more)
	}
	return word + strings.Join(lines, ", ")
}
