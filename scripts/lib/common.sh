# Shared by scripts/dev, scripts/test and scripts/bench: install what is missing, find the tools, and run a
# private PostgreSQL. Source it; it changes nothing until a function is called.

export PATH="/opt/swift/usr/bin:$PATH"
APT_UPDATED=""

# ensure_packages PKG...: apt-get install the Debian packages that are not installed yet (update once). apt's own
# output is shown only when it fails; another apt run holding the lock is waited for.
ensure_packages() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo="" output
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "installing: ${missing[*]}" >&2
    if [ -z "$APT_UPDATED" ]; then
        output=$($sudo apt-get -o DPkg::Lock::Timeout=300 update -qq 2>&1) || { echo "$output" >&2; return 1; }
        APT_UPDATED=1
    fi
    output=$(DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=300 install -y -qq "${missing[@]}" 2>&1) \
        || { echo "$output" >&2; return 1; }
}

# ensure_venv DIR REQUIREMENTS: a Python virtual environment in DIR with the pip packages of REQUIREMENTS, made from
# Debian's python3 when there is one (it refuses pip installs into the system: externally-managed-environment), else
# from the python3 on the PATH. Rebuilt when it no longer runs, reinstalled when REQUIREMENTS changes.
ensure_venv() {
    local dir=$1 requirements=$2 python=/usr/bin/python3 output
    if [ ! -x "$python" ]; then
        python=$(command -v python3 || true)
        [ -n "$python" ] || { ensure_packages python3; python=/usr/bin/python3; }
    fi
    if [ "$python" = /usr/bin/python3 ]; then ensure_packages python3-venv; fi
    if ! "$dir/bin/python" -c "" 2>/dev/null; then
        rm -rf "$dir"
        output=$("$python" -m venv "$dir" 2>&1) || { echo "$output" >&2; return 1; }
    fi
    if ! cmp -s "$requirements" "$dir/installed-requirements.txt"; then
        echo "installing into $dir: the packages of $requirements" >&2
        output=$("$dir/bin/python" -m pip install --disable-pip-version-check -q -r "$requirements" 2>&1) \
            || { echo "$output" >&2; return 1; }
        cp "$requirements" "$dir/installed-requirements.txt"
    fi
}

ensure_build_tools() {
    ensure_packages libpq-dev libssl-dev zlib1g-dev pkg-config postgresql curl
    command -v swift >/dev/null || { echo "swift not found: install Swift 6 (expected at /opt/swift)" >&2; exit 1; }
}

pg_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] || { echo "PostgreSQL server binaries not found under /usr/lib/postgresql" >&2; exit 1; }
    echo "$dir"
}

# Runs a PostgreSQL command as an unprivileged user when we are root (initdb and postgres refuse root).
as_pg_user() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# start_postgres DIR PORT: initdb DIR if it is new, then start a server on 127.0.0.1:PORT with its socket in DIR.
start_postgres() {
    local dir=$1 port=$2 bin
    bin=$(pg_bindir)
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
    chmod 700 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        as_pg_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    if ! as_pg_user "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        as_pg_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
            -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
    fi
}

stop_postgres() {
    local dir=$1
    as_pg_user "$(pg_bindir)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# A folder the postgres user can enter: the project folder when it can, else one under /var/tmp.
private_postgres_dir() {
    local wanted=$1
    mkdir -p "$(dirname "$wanted")"
    if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$(dirname "$wanted")"; then
        echo "$wanted"
    else
        echo "/var/tmp/agent-telemetry-$(echo "$wanted" | md5sum | cut -c1-8)"
    fi
}
