// Package pgtest gives each test a PostgreSQL schema of its own, so tests run
// in parallel against one server without seeing each other's tables.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable holding the base URL of the test server.
// scripts/with-postgres.sh sets it after starting a throwaway server.
const EnvURL = "PARCHMENT_TEST_DATABASE_URL"

// cleanupTimeout bounds dropping a test's schema; the test's own context is
// already cancelled when cleanups run.
const cleanupTimeout = 30 * time.Second

// URL creates a schema unique to t and returns the base URL with search_path
// set to it, so unqualified tables land there. The schema is dropped when t
// ends. Without PARCHMENT_TEST_DATABASE_URL the test is skipped.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvURL)
	if base == "" {
		t.Skip(EnvURL + " is not set; run `make test`, which starts a throwaway PostgreSQL")
	}
	u, err := url.Parse(base)
	if err != nil {
		// The error would quote the URL and its password.
		t.Fatal(EnvURL + " is not a valid postgres:// URL")
	}

	schema := schemaName(t)
	exec(t, base, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize())
	t.Cleanup(func() {
		exec(t, base, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	})

	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// schemaName joins a readable form of the test's name (to find leftovers) to
// a random suffix (for uniqueness), within PostgreSQL's 63-byte limit.
func schemaName(t testing.TB) string {
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix) // never fails
	name := strings.Map(func(r rune) rune {
		if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
			return r
		}
		return '_'
	}, strings.ToLower(t.Name()))
	if len(name) > 40 {
		name = name[:40]
	}
	return "test_" + name + "_" + hex.EncodeToString(suffix)
}

func exec(t testing.TB, url, sql string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cleanupTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	defer func() { _ = conn.Close(ctx) }()
	if _, err := conn.Exec(ctx, sql); err != nil {
		t.Fatalf("pgtest: %s: %v", sql, err)
	}
}
