package parchment

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestErrorMasksEchoedPersonalDetails(t *testing.T) {
	t.Parallel()
	e := &Error{Op: "create user", Status: 422, Title: "Validation failed",
		Detail: "HPI-I 8003614900029560 already belongs to a user born 1969-10-02",
		Validation: []FieldError{
			{Field: "phone", Message: "0412 345 678 is not a valid number"},
			{Field: "prescriber_number", Message: "must be 7 characters, got 12345"},
		}}
	msg := e.Error()
	for _, secret := range []string{"8003614900029560", "1969-10-02", "0412 345 678"} {
		require.NotContains(t, msg, secret)
	}
	require.Contains(t, msg, "12345", "short numbers are not personal details")
	require.Contains(t, msg, "prescriber_number")
}
