"""The collector's Dockerfile and .dockerignore, read as Docker reads them (no engine here to build the image), and
its health check command run for real against a stand-in of /api/v1/health."""
import fnmatch

import pytest

from dockerfile import apt_packages, run_healthcheck, stages
from paths import REPO
from standin import StandIn


def test_build_stage_compiles_the_release_collector_with_the_official_swift_image():
    (image, name, steps) = stages()[0]
    assert image.startswith("swift:6.") and name == "build"
    assert {"libpq-dev", "libssl-dev"} <= apt_packages(steps)
    assert any("swift build -c release --product collector" in rest for keyword, rest in steps if keyword == "RUN")


def test_runtime_image_is_slim_debian_with_only_the_libpq_and_libssl_runtime_libraries():
    build_image = stages()[0][0]
    (image, _, steps) = stages()[-1]
    assert image == "debian:bookworm-slim"
    assert build_image.endswith("-bookworm"), "the binary must link against the same Debian release's libraries"
    assert apt_packages(steps) == {"libpq5", "libssl3", "zlib1g"}
    assert len(stages()) == 2


def test_runtime_image_runs_the_collector_as_a_non_root_user():
    steps = stages()[-1][2]
    (user,) = [rest for keyword, rest in steps if keyword == "USER"]
    assert user not in ("root", "0")
    assert any("useradd" in rest and user in rest for keyword, rest in steps if keyword == "RUN")
    assert ("ENTRYPOINT", '["collector"]') in steps and ("CMD", '["serve"]') in steps
    assert ("COPY", "--from=build /out/collector /usr/local/bin/collector") in steps


def test_runtime_image_carries_the_migrations_and_points_the_collector_at_them():
    steps = stages()[-1][2]
    assert ("COPY", "sql /app/sql") in steps
    env = " ".join(rest for keyword, rest in steps if keyword == "ENV")
    assert "MIGRATIONS_DIR=/app/sql" in env
    assert "SPOOL_DIR=/var/lib/collector/spool" in env
    assert any("/var/lib/collector/spool" in rest and "-o collector" in rest for k, rest in steps if k == "RUN"), \
        "a new named volume takes the spool folder's owner from the image"


def test_dockerignore_keeps_secrets_and_local_builds_out_but_not_what_the_build_needs():
    patterns = [p for p in (REPO / ".dockerignore").read_text().splitlines() if p and not p.startswith("#")]

    def ignored(path):
        return any(fnmatch.fnmatch(path, p) or path.startswith(p.rstrip("/") + "/") for p in patterns)

    for path in (".env", ".git", ".build", "Tests/deploy/conftest.py"):
        assert ignored(path), path
    for path in ("Package.swift", "Sources/collector/main.swift", "Tests/CollectorTests/x.swift", "sql/001.sql"):
        assert not ignored(path), path


@pytest.mark.parametrize("status, healthy", [(200, True), (503, False)])
def test_health_check_passes_only_on_a_200_from_the_health_endpoint(status, healthy):
    with StandIn(status=status) as health:
        assert (run_healthcheck(health.port) == 0) is healthy
        assert health.requests[0][:2] == ("GET", "/api/v1/health")


def test_health_check_fails_when_nothing_listens():
    with StandIn() as gone:
        port = gone.port
    assert run_healthcheck(port) != 0
