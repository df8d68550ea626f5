"""The collector of the last release, built from its commit, for the upgrade test's old collector: what serves while
the migrate service brings the database forward is the previous binary, not this one (which needs the new schema).
Built once into .build-release-<commit>/ (git-ignored) and kept there for later runs."""
import subprocess

from paths import REPO

RELEASE = "e8ffeb8"


def release_collector_binary():
    scratch = REPO / f".build-release-{RELEASE}"
    binary = scratch / "debug" / "collector"
    if binary.exists():
        return str(binary)
    if subprocess.run(["git", "-C", str(REPO), "cat-file", "-e", f"{RELEASE}^{{commit}}"]).returncode != 0:
        raise RuntimeError(f"commit {RELEASE} (the last release) is not in this clone's history: clone without --depth")
    source = scratch / "source"
    source.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", RELEASE], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    done = subprocess.run(["swift", "build", "--product", "collector", "--scratch-path", str(scratch)], cwd=source,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"building the {RELEASE} collector failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return str(binary)
