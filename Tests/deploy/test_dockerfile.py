"""The collector's Dockerfile and .dockerignore, read as Docker reads them (no engine here to build the image): the
build stage's context assembled as Docker would and loaded by SwiftPM, and the health check command run for real
against a stand-in of /api/v1/health."""
import json
import os
import shutil
import subprocess

import pytest

from dockerfile import apt_packages, assemble_build_stage, ignored, run_healthcheck, stages
from paths import REPO
from standin import StandIn


def swift_binary():
    binary = shutil.which("swift") or "/opt/swift/usr/bin/swift"
    if not os.access(binary, os.X_OK):
        raise RuntimeError("swift is not installed (on the PATH or in /opt/swift)")
    return binary


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
    for path in (".env", ".git", ".build/debug/collector", ".venv/bin/python", ".dev/api-key", "Fuzz/crash-http-1",
                 "Tests/deploy/conftest.py", "Sources/Collector/__pycache__/x.pyc"):
        assert ignored(path), path
    for path in ("Package.swift", "Package.resolved", "Sources/collector/main.swift", "Tests/CollectorTests/x.swift",
                 "Fuzz/CFuzzer/CFuzzer.c", "sql/001.sql"):
        assert not ignored(path), path


def test_the_build_stage_receives_a_package_that_swiftpm_can_load(tmp_path):
    copied = assemble_build_stage(tmp_path)
    assert "Package.swift" in copied and ".env" not in copied
    done = subprocess.run([swift_binary(), "package", "describe", "--type", "json"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"swift package describe in the build stage's context: {done.stderr}"
    products = {product["name"] for product in json.loads(done.stdout)["products"]}
    assert "collector" in products


@pytest.mark.parametrize("resolved, pinned", [(True, True), (False, False)])
def test_a_package_resolved_in_the_context_pins_the_dependencies_strictly(tmp_path, resolved, pinned):
    """The dependency step, run with a stand-in for swift that records its arguments: with a Package.resolved it
    refuses any other version, without one (a plain git clone) it resolves."""
    (_, _, steps) = stages()[0]
    (step,) = [rest for keyword, rest in steps if keyword == "RUN" and "swift package resolve" in rest]
    stand_in = tmp_path / "bin" / "swift"
    stand_in.parent.mkdir()
    stand_in.write_text('#!/bin/sh\necho "$@" >> "$SWIFT_CALLS"\n')
    stand_in.chmod(0o755)
    if resolved:
        (tmp_path / "Package.resolved").write_text('{"pins": [], "version": 3}')
    calls = tmp_path / "calls"
    done = subprocess.run(["sh", "-c", step], cwd=tmp_path, capture_output=True, text=True, timeout=30,
                          env={"PATH": f"{stand_in.parent}:/usr/bin:/bin", "SWIFT_CALLS": str(calls)})
    assert done.returncode == 0, done.stderr
    (call,) = calls.read_text().splitlines()
    assert call.startswith("package resolve")
    assert ("--force-resolved-versions" in call.split()) is pinned
    assert ignored("Package.resolved") is False


@pytest.mark.parametrize("status, healthy", [(200, True), (503, False)])
def test_health_check_passes_only_on_a_200_from_the_health_endpoint(status, healthy):
    with StandIn(status=status) as health:
        assert (run_healthcheck(health.port) == 0) is healthy
        assert health.requests[0][:2] == ("GET", "/api/v1/health")


def test_health_check_fails_when_nothing_listens():
    with StandIn() as gone:
        port = gone.port
    assert run_healthcheck(port) != 0
