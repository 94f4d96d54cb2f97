//go:build !unix

package oauthfile

import (
	"context"
	"errors"
)

// Locked refuses where flock is missing: refreshing unlocked could spend
// a refresh token another process holds, and lose access.
func (f File) Locked(context.Context, func() error) error {
	return errors.New("the OAuth token file needs a Unix system's file locks; run parchment-sync on Linux or macOS")
}
