package ledger

import (
	"encoding/json"
	"fmt"

	psync "github.com/parchment-sync/parchment-sync/sync"
)

// digestOfFields is the digest of an entry written before digests were
// kept, from its fields as the store holds them (a JSON object).
func digestOfFields(externalUserID string, raw []byte) (string, error) {
	var f map[string]string
	if err := json.Unmarshal(raw, &f); err != nil {
		return "", fmt.Errorf("entry %s: fields: %w", externalUserID, err)
	}
	return psync.FieldsDigest(f), nil
}
