package hrishttp

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestFlatten(t *testing.T) {
	t.Parallel()
	var obj map[string]any
	require.NoError(t, Decode(strings.NewReader(`{
		"Id": 8003614900029560, "Active": false, "OtherName": null, "Rate": 1.50,
		"ContactObject": {"Email": "a@b.example", "Phone1": null},
		"tags": ["gp", "locum"], "teams": [{"id": 1, "name": "North"}], "none": [],
		"_DPMetaData": {"System": "Employee"}}`), &obj))
	require.Equal(t, Record{
		"Id": "8003614900029560", "Active": "false", "OtherName": "", "Rate": "1.50",
		"ContactObject.Email": "a@b.example", "ContactObject.Phone1": "",
		"tags": "gp, locum", "teams.0.id": "1", "teams.0.name": "North",
	}, Flatten(obj, "_DPMetaData"))
}
