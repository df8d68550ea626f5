"""Where the deployment files are, seen from Tests/deploy."""
import pathlib

REPO = pathlib.Path(__file__).resolve().parents[2]
# In CI the repository is cloned with shared/ beside it.
SHARED_SCHEMAS = REPO.parent / "shared" / "schemas"
DASHBOARDS = REPO / "grafana" / "dashboards"
PROVISIONING = REPO / "grafana" / "provisioning"
