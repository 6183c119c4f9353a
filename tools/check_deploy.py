"""Structural checks of deploy/ that no installed validator makes: what the
docs/operations.md promises about the container image, the compose file, the Kubernetes
manifests and the Grafana dashboard. Prints every failure; exits 1 if any."""
import json
import pathlib
import re
import sys

import yaml

root = pathlib.Path(__file__).resolve().parent.parent
deploy = root / "deploy"
failures = []


def check(condition, message):
    if not condition:
        failures.append(message)


# Container image: multi-stage, runs as a user without privileges, health check.
dockerfile = (deploy / "container/Dockerfile").read_text()
stages = re.findall(r"^FROM\s+\S+", dockerfile, re.M)
check(len(stages) >= 2, "Dockerfile: a multi-stage build (a build stage and a runtime stage)")
users = re.findall(r"^USER\s+(\S+)", dockerfile, re.M)
check(users and users[-1].split(":")[0] not in ("0", "root"), "Dockerfile: the runtime stage runs as a non-root USER")
check(re.search(r"^HEALTHCHECK\s+.*\n?.*?/health/ready", dockerfile, re.M), "Dockerfile: a HEALTHCHECK on /health/ready")
check("DATABASE_URL" not in dockerfile, "Dockerfile: no database URL baked into the image")

# Compose: PostgreSQL, one migration job, two collectors behind a proxy, two projectors.
compose = yaml.safe_load((deploy / "compose/compose.yaml").read_text())
services = compose["services"]
commands = {name: service.get("command", []) for name, service in services.items()}
check(any("postgres" in str(s.get("image", "")) for s in services.values()), "compose: a PostgreSQL service")
check(sum(c[:1] == ["migrate"] for c in commands.values()) == 1, "compose: exactly one migration job")
collectors = [n for n, c in commands.items() if c[:1] == ["serve"]]
projectors = [n for n, c in commands.items() if c[:1] == ["project"]]
check(len(collectors) == 2, f"compose: two collectors (found {collectors})")
check(len(projectors) == 2, f"compose: two projector processes (found {projectors})")
for name in collectors:
    check("--no-projectors" in commands[name], f"compose: {name} leaves projecting to the projector processes")
nginx = (deploy / "compose/nginx.conf").read_text()
for name in collectors:
    check(f"server {name}:8080" in nginx, f"compose: the proxy forwards to {name}")
for name, service in services.items():
    environment = service.get("environment", {})
    check(not any("URL" in key for key in environment), f"compose: {name} takes its database URLs from env_file, not inline")

# Kubernetes: probes, resource requests, non-root, secrets by reference.
documents = []
for path in sorted((deploy / "kubernetes").glob("*.yaml")):
    documents += [(path.name, d) for d in yaml.safe_load_all(path.read_text()) if d]
kinds = {(d["kind"], d["metadata"]["name"]) for _, d in documents}
for expected in [("Deployment", "nps-collector"), ("Service", "nps-collector"), ("Deployment", "nps-projector"), ("Job", "nps-collector-migrate")]:
    check(expected in kinds, f"kubernetes: a {expected[0]} {expected[1]}")
for file, document in documents:
    if document["kind"] not in ("Deployment", "Job"):
        continue
    spec = document["spec"]["template"]["spec"]
    name = f"kubernetes {file} {document['metadata']['name']}"
    check(spec.get("securityContext", {}).get("runAsNonRoot") is True, f"{name}: runAsNonRoot")
    for container in spec["containers"]:
        check("requests" in container.get("resources", {}), f"{name}/{container['name']}: resource requests")
        for variable in container.get("env", []):
            if "URL" in variable["name"]:
                check("valueFrom" in variable and "secretKeyRef" in variable["valueFrom"], f"{name}: {variable['name']} from a Secret")
        if document["metadata"]["name"] == "nps-collector":
            check(container.get("livenessProbe", {}).get("httpGet", {}).get("path") == "/health/live", f"{name}: liveness probe on /health/live")
            check(container.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/health/ready", f"{name}: readiness probe on /health/ready")
            proxies = {v["name"]: v.get("value", "") for v in container.get("env", [])}.get("NPS_TRUSTED_PROXIES", "")
            check("/" in proxies, f"{name}: NPS_TRUSTED_PROXIES trusts a network (the ingress controller's pods change address)")

# Every metric the alerts and the dashboard use is one the collector exports.
sources = "\n".join(p.read_text() for p in (root / "Sources").rglob("*.swift"))
exported = set(re.findall(r'label: "(nps_[a-z_]+)"', sources)) | {"hb_requests"}
dashboard = json.loads((deploy / "grafana/nps-collector.json").read_text())
expressions = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
alerts = yaml.safe_load((deploy / "prometheus/alerts.yml").read_text())
expressions += [r["expr"] for g in alerts["groups"] for r in g["rules"]]
for expression in expressions:
    for metric in re.findall(r"\b((?:nps|hb)_[a-z_]+)\b", expression):
        base = re.sub(r"_(bucket|count|sum)$", "", metric)
        check(metric in exported or base in exported, f"metric {metric} (in `{expression}`) is not exported by the collector")
check(len(dashboard["panels"]) >= 8, "grafana: a panel for each figure of the alerts")

for failure in failures:
    print("FAIL", failure, file=sys.stderr)
print(f"deploy/: {len(failures)} failures")
sys.exit(1 if failures else 0)
