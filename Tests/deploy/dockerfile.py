"""The collector's Dockerfile read as Docker reads it: instructions, stages, packages, the health check command."""
import json
import os
import posixpath
import re
import shlex
import shutil
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


def dockerignore_rules():
    """[(regex, excluded)] from .dockerignore, in order; the last rule that matches a path or a parent decides."""
    rules = []
    for line in (REPO / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        excluded = not line.startswith("!")
        pattern = posixpath.normpath(line.lstrip("!").strip().strip("/"))
        rules.append((re.compile(pattern_regex(pattern)), excluded))
    return rules


def pattern_regex(pattern):
    """Docker's pattern syntax (Go's filepath.Match plus `**`), anchored at the context's root."""
    regex, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex, i = regex + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            regex, i = regex + ".*", i + 2
        elif pattern[i] == "*":
            regex, i = regex + "[^/]*", i + 1
        elif pattern[i] == "?":
            regex, i = regex + "[^/]", i + 1
        else:
            regex, i = regex + re.escape(pattern[i]), i + 1
    return regex + r"\Z"


def ignored(path, rules=None):
    """Whether .dockerignore keeps `path` (relative, with /) out of the build context."""
    parts = path.split("/")
    verdict = False
    for regex, excluded in rules if rules is not None else dockerignore_rules():
        if any(regex.match("/".join(parts[:n])) for n in range(1, len(parts) + 1)):
            verdict = excluded
    return verdict


def context_files(root=REPO):
    """Every file of the build context `docker build` would send from `root`, as relative paths."""
    rules = dockerignore_rules()
    reincludes = any(not excluded for _, excluded in rules)
    found = []
    for directory, subdirectories, files in os.walk(root):
        relative = os.path.relpath(directory, root)
        prefix = "" if relative == "." else relative + "/"
        if not reincludes:  # an excluded folder cannot hold an included file: no need to walk it
            subdirectories[:] = [d for d in subdirectories if not ignored(prefix + d, rules)]
        found += [prefix + f for f in files if not ignored(prefix + f, rules)]
    return sorted(found)


def assemble_build_stage(destination, root=REPO):
    """Copies what the build stage's COPY instructions take from the context into `destination`, standing for its
    WORKDIR; returns the paths copied. Supports the forms the Dockerfile uses: sources that are files, folders or
    globs, `.` for the whole context, and a destination inside the WORKDIR."""
    (_, _, steps) = stages()[0]
    workdir, copied = "/", []
    files = context_files(root)
    for keyword, rest in steps:
        if keyword == "WORKDIR":
            workdir = posixpath.join(workdir, rest)
        if keyword != "COPY":
            continue
        arguments = [a for a in (json.loads(rest) if rest.startswith("[") else shlex.split(rest))]
        assert not any(a.startswith("--from") for a in arguments), "the build stage copies from the context only"
        *sources, target = [a for a in arguments if not a.startswith("--")]
        target = posixpath.normpath(posixpath.join(workdir, target))
        assert target == workdir or target.startswith(workdir + "/"), f"COPY into {target}, outside {workdir}"
        for source in sources:
            source = posixpath.normpath(source)
            for path in files:
                if source == ".":
                    inside = path
                elif path.startswith(source + "/") and not re.search(r"[*?\[]", source):
                    inside = path[len(source) + 1:]  # a folder: its contents go into the target
                elif re.fullmatch(pattern_regex(source), path):
                    inside = posixpath.basename(path)
                else:
                    continue
                placed = os.path.join(destination, posixpath.relpath(target, workdir), inside)
                os.makedirs(os.path.dirname(placed), exist_ok=True)
                shutil.copy2(os.path.join(root, path), placed)
                copied.append(path)
    return copied
