//go:build !unix

package ledger

import "io/fs"

// linkCount is 1 where the system does not say.
func linkCount(fs.FileInfo) uint64 { return 1 }
