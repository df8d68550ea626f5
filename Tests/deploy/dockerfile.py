"""The collector's Dockerfile read as Docker reads it: instructions, stages, packages, the health check command."""
import json
import re
import subprocess

from paths import REPO


def instructions():
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text())
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            yield keyword.upper(), rest.strip()


INSTRUCTIONS = list(instructions())
ARGS = dict(rest.split("=", 1) for keyword, rest in INSTRUCTIONS if keyword == "ARG" and "=" in rest)


def stages():
    """[(image, name, [instructions])] with ARG defaults substituted in FROM."""
    found = []
    for keyword, rest in INSTRUCTIONS:
        if keyword == "FROM":
            image, _, name = re.sub(r"\$\{(\w+)\}", lambda m: ARGS[m.group(1)], rest).partition(" AS ")
            found.append((image.strip(), name.strip(), []))
        elif found:
            found[-1][2].append((keyword, rest))
    return found


def apt_packages(stage_instructions):
    packages = set()
    for keyword, rest in stage_instructions:
        for install in re.findall(r"apt-get install ([^&]*)", rest) if keyword == "RUN" else []:
            packages |= {word for word in install.split() if not word.startswith("-")}
    return packages


def healthcheck_command():
    (rest,) = [rest for keyword, rest in INSTRUCTIONS if keyword == "HEALTHCHECK"]
    return json.loads(rest[rest.index("CMD") + 3:].strip())


def run_healthcheck(port):
    return subprocess.run(healthcheck_command(), env={"PORT": str(port), "PATH": "/usr/bin:/bin"},
                          capture_output=True, timeout=10).returncode
