package rostertest

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	"github.com/parchment-sync/parchment-sync/mapping"
)

// WriteCSV writes the roster CSV(Staff(n)) would return, byte for byte,
// one line at a time: a roster of a million rows never holds a million
// Person values, only the line being written.
func WriteCSV(w io.Writer, n int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString(Header); err != nil {
		return err
	}
	// Every provider in Staff shares this provider number; find it once.
	providerNumber := ProviderNumber("234567", '1')
	for i := range n {
		if _, err := bw.WriteString(staffPerson(i, providerNumber).Line()); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// staffPerson is Staff(n)[i] for any n > i. TestWriteCSVMatchesStaff keeps
// the two in step.
func staffPerson(i int, providerNumber string) Person {
	p := Person{
		ID: fmt.Sprintf("EMP%04d", i), Given: "Given" + string(rune('A'+i%26)), Family: "Family" + strconv.Itoa(i),
		Email: "staff" + strconv.Itoa(i) + "@clinic.example", Roles: "receptionist",
	}
	if i%4 == 0 {
		p.Roles, p.Qualifications = mapping.RoleProvider, "MBBS"
		p.ProviderNumber = providerNumber
		p.HPII = HPII(fmt.Sprintf("%09d", 100+i))
	}
	return p
}
