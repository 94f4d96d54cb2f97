#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh CMD [ARG...]
#
# Runs CMD with PARCHMENT_TEST_DATABASE_URL pointing at a PostgreSQL database.
# When the variable is already set, CMD runs against that server. Otherwise a
# throwaway server is started for the duration of CMD: data in a temporary
# directory, listening on 127.0.0.1 on a free port (and on a unix socket in
# that directory), tuned for speed rather than durability, and stopped and
# deleted afterwards whatever CMD does. Exits with CMD's status.
#
# PostgreSQL comes from PATH, else /usr/lib/postgresql/*/bin, else Debian's
# postgresql package (installed when running as root). Tests and demos alike
# use it: whatever CMD is, it finds the URL in the environment.

# shellcheck disable=SC2317 # su_exec and cleanup run through run_as and trap.
set -euo pipefail

readonly DB_NAME=parchment_test
readonly DB_USER=postgres
readonly SERVICE_USER=parchment-pg # created only if no postgres user exists

log() { printf 'with-postgres: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

[[ $# -gt 0 ]] || die "usage: $0 CMD [ARG...]"

if [[ -n "${PARCHMENT_TEST_DATABASE_URL:-}" ]]; then
	exec "$@"
fi

# find_bindir prints the directory holding initdb and pg_ctl, newest version
# first among Debian's versioned directories.
find_bindir() {
	local initdb dir
	# Resolve symlinks: the real directory also holds postgres itself.
	if initdb=$(command -v initdb) && command -v pg_ctl >/dev/null; then
		dir=$(dirname "$(readlink -f "$initdb")")
		[[ -x $dir/pg_ctl ]] || dir=$(dirname "$initdb")
		echo "$dir"
		return
	fi
	while IFS= read -r dir; do
		if [[ -x $dir/initdb && -x $dir/pg_ctl ]]; then
			echo "$dir"
			return
		fi
	done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -Vr)
	return 1
}

if ! bindir=$(find_bindir); then
	[[ $EUID -eq 0 ]] || die "PostgreSQL (initdb, pg_ctl) not found; install Debian's postgresql package"
	log "installing PostgreSQL from Debian's packages"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends postgresql >&2
	bindir=$(find_bindir) || die "PostgreSQL installed but initdb/pg_ctl not found"
fi

# PostgreSQL refuses to run as root: run the server as an unprivileged user.
run_as=()
if [[ $EUID -eq 0 ]]; then
	owner=$DB_USER
	if ! id -u "$owner" >/dev/null 2>&1; then
		owner=$SERVICE_USER
		id -u "$owner" >/dev/null 2>&1 ||
			useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
	fi
	if command -v runuser >/dev/null; then
		run_as=(runuser -u "$owner" --)
	else
		run_as=(su_exec "$owner")
	fi
	# Under /tmp rather than $TMPDIR, which the server's user may not reach.
	tmpdir=$(mktemp -d /tmp/parchment-pg.XXXXXX)
	chown "$owner" "$tmpdir"
else
	tmpdir=$(mktemp -d "${TMPDIR:-/tmp}/parchment-pg.XXXXXX")
fi

# su_exec USER CMD... is runuser's stand-in: su takes one command string.
su_exec() {
	local user=$1
	shift
	su -s /bin/sh "$user" -c "$(printf '%q ' "$@")"
}

# pg runs a PostgreSQL program as the server's user, from a directory that user
# can read.
pg() { (cd "$tmpdir" && "${run_as[@]}" "$bindir/$1" "${@:2}"); }

cleanup() {
	local status=$?
	if [[ -f $tmpdir/data/postmaster.pid ]]; then
		pg pg_ctl stop -D "$tmpdir/data" -m immediate -w >/dev/null 2>&1 || true
	fi
	rm -rf "$tmpdir"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
printf '%s\n' "$password" >"$tmpdir/pwfile"
[[ ${#run_as[@]} -eq 0 ]] || chown "$owner" "$tmpdir/pwfile"

# Password over TCP, so tests see a realistic URL (and can check it never
# leaks); trust on the socket, private to the server's user.
pg initdb -D "$tmpdir/data" -U "$DB_USER" --pwfile="$tmpdir/pwfile" \
	--auth-host=scram-sha-256 --auth-local=trust \
	--encoding=UTF8 --locale=C --no-sync >"$tmpdir/initdb.log" 2>&1 ||
	{ cat "$tmpdir/initdb.log" >&2; die "initdb failed"; }

# Single-user mode needs no client program and no running server.
pg postgres --single -D "$tmpdir/data" -c fsync=off postgres \
	<<<"CREATE DATABASE $DB_NAME;" >"$tmpdir/createdb.log" 2>&1 ||
	{ cat "$tmpdir/createdb.log" >&2; die "creating the database failed"; }

# port_free PORT succeeds when nothing accepts connections on it.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# A port that looks free can be taken before the server binds it: retry.
started=
for _ in 1 2 3 4 5 6 7 8 9 10; do
	port=$((20000 + RANDOM % 40000))
	port_free "$port" || continue
	if pg pg_ctl start -D "$tmpdir/data" -l "$tmpdir/server.log" -w -t 60 -o "$(printf '%s ' \
		-c listen_addresses=127.0.0.1 -c port="$port" \
		-c unix_socket_directories="$tmpdir" \
		-c max_connections=200 -c shared_buffers=128MB \
		-c fsync=off -c synchronous_commit=off -c full_page_writes=off \
		-c logging_collector=off)" >/dev/null; then
		started=1
		break
	fi
	grep -q 'could not bind\|Address already in use' "$tmpdir/server.log" 2>/dev/null ||
		{ cat "$tmpdir/server.log" >&2; die "PostgreSQL did not start"; }
done
[[ -n $started ]] || die "no free port found for PostgreSQL"


log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
export PARCHMENT_TEST_DATABASE_URL="postgres://$DB_USER:$password@127.0.0.1:$port/$DB_NAME?sslmode=disable"

# Not exec: cleanup must run after CMD. The EXIT trap passes on its status.
set +e
"$@"
status=$?
set -e
exit "$status"
