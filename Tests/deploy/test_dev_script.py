"""scripts/dev, the README's first command: before it builds or starts anything, it checks where the collector and
its /metrics listener will listen, and says which setting to change when a port is taken (as by a second
scripts/dev beside a running one)."""
import os
import socket
import subprocess

import pytest

from paths import REPO


@pytest.fixture
def taken_port():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


def dev(**settings):
    environment = {k: v for k, v in os.environ.items() if k not in ("HOST", "PORT", "METRICS_HOST", "METRICS_PORT")}
    return subprocess.run([str(REPO / "scripts" / "dev")], env={**environment, **settings}, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=60)


def test_a_taken_port_is_named_with_the_setting_to_change(taken_port):
    done = dev(PORT=str(taken_port))
    assert done.returncode == 1
    assert f"PORT {taken_port} is in use on 127.0.0.1" in done.stderr
    assert f"PORT={taken_port + 1} scripts/dev" in done.stderr


def test_a_taken_metrics_port_is_named_with_the_setting_to_change(taken_port):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    done = dev(PORT=str(port), METRICS_PORT=str(taken_port))
    assert done.returncode == 1
    assert f"METRICS_PORT {taken_port} is in use" in done.stderr
    assert "METRICS_PORT=0" in done.stderr
