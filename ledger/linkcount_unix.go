//go:build unix

package ledger

import (
	"io/fs"
	"syscall"
)

// linkCount is how many hard links name the file info describes.
func linkCount(info fs.FileInfo) uint64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink)
	}
	return 1
}
