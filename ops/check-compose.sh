#!/usr/bin/env bash
# Offline check of docker-compose.yml, for machines with a Docker client but no engine:
#  1. the Compose file model: `docker compose config` when the Compose v2 plugin is installed, else Debian's
#     docker-compose 1.29 (apt-get install docker-compose) on a copy without the top-level `name` it predates;
#  2. references the Compose tools do not check: build Dockerfiles and targets exist, main classes exist in their
#     modules, bind-mounted files exist, Prometheus scrapes every service on the port it serves metrics on, the
#     Grafana provisioning points at the mounted dashboard.
# Exit status 0 when everything holds.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
compose="$root/docker-compose.yml"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

if docker compose version >/dev/null 2>&1; then
    echo "check-compose: docker compose config"
    docker compose -f "$compose" --project-directory "$root" config -q
    docker compose -f "$compose" --project-directory "$root" --profile ollama config -q
elif command -v docker-compose >/dev/null; then
    echo "check-compose: $(docker-compose version --short 2>/dev/null || echo docker-compose) config (without the top-level name)"
    sed '/^name:/d' "$compose" >"$tmp/compose.yml"
    docker-compose -f "$tmp/compose.yml" --project-directory "$root" config -q
    docker-compose -f "$tmp/compose.yml" --project-directory "$root" --profile ollama config -q
else
    echo "check-compose: neither 'docker compose' nor docker-compose is installed (Debian: apt-get install docker-compose)" >&2
    exit 2
fi

python3 - "$root" <<'PY'
import os, re, sys
import yaml  # Debian: python3-yaml (a dependency of docker-compose)

root = sys.argv[1]
doc = yaml.safe_load(open(os.path.join(root, "docker-compose.yml")))
services = doc["services"]
problems = []

def stages(dockerfile):
    return {m.group(1) for m in re.finditer(r"(?im)^FROM\s+\S+\s+AS\s+(\S+)", open(dockerfile).read())}

for name, svc in services.items():
    build = svc.get("build")
    if build:
        dockerfile = os.path.join(root, build.get("context", "."), build.get("dockerfile", "Dockerfile"))
        if not os.path.isfile(dockerfile):
            problems.append(f"{name}: Dockerfile {dockerfile} does not exist")
            continue
        if build.get("target") and build["target"] not in stages(dockerfile):
            problems.append(f"{name}: build target {build['target']} is not a stage of {dockerfile}")
        args = build.get("args", {})
        module, main = args.get("MODULE"), args.get("MAIN_CLASS")
        if not module or not main:
            problems.append(f"{name}: build args MODULE and MAIN_CLASS are required")
        else:
            source = os.path.join(root, module, "src/main/java", main.replace(".", "/") + ".java")
            if not os.path.isdir(os.path.join(root, module)):
                problems.append(f"{name}: module {module} does not exist")
            elif not os.path.isfile(source):
                problems.append(f"{name}: main class {main} not found at {os.path.relpath(source, root)}")
    for volume in svc.get("volumes", []):
        source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source", "")
        if source.startswith((".", "/")) and not os.path.exists(os.path.join(root, source)):
            problems.append(f"{name}: bind mount source {source} does not exist")
    for dep in (svc.get("depends_on") or {}):
        if dep not in services:
            problems.append(f"{name}: depends on unknown service {dep}")

# Prometheus: every Assay service scraped at the port it serves /metrics on, and nothing else under job assay.
prom_service = services["prometheus"]
prom_dir = next(v.split(":")[0] for v in prom_service["volumes"] if v.endswith(":/etc/prometheus:ro"))
prom = yaml.safe_load(open(os.path.join(root, prom_dir, "prometheus.yml")))
assay_job = next(j for j in prom["scrape_configs"] if j["job_name"] == "assay")
targets = {t for sc in assay_job["static_configs"] for t in sc["targets"]}
app_services = {n for n, s in services.items() if "ASSAY_METRICS_PORT" in (s.get("environment") or {})}
expected = {f"{n}:{services[n]['environment']['ASSAY_METRICS_PORT']}" for n in app_services}
for missing in sorted(expected - targets):
    problems.append(f"prometheus.yml does not scrape {missing}")
for extra in sorted(targets - expected):
    problems.append(f"prometheus.yml scrapes {extra}, which is no Assay service of the compose file")
for rule_file in prom.get("rule_files", []):
    if not os.path.isfile(os.path.join(root, prom_dir, rule_file)):
        problems.append(f"prometheus.yml: rule file {rule_file} is not in {prom_dir}")

# Grafana: the provisioned dashboard folder is where the dashboard is mounted.
grafana = services["grafana"]
mounts = {v.split(":")[1]: v.split(":")[0] for v in grafana["volumes"]}
prov_dir = os.path.join(root, mounts["/etc/grafana/provisioning"])
for provider in yaml.safe_load(open(os.path.join(prov_dir, "dashboards/assay.yml")))["providers"]:
    path = provider["options"]["path"]
    if not any(target.startswith(path + "/") for target in mounts):
        problems.append(f"grafana: dashboard provider path {path} has no dashboard mounted in it")
datasources = yaml.safe_load(open(os.path.join(prov_dir, "datasources/prometheus.yml")))["datasources"]
for ds in datasources:
    host = re.match(r"https?://([^:/]+)", ds["url"]).group(1)
    if host not in services:
        problems.append(f"grafana datasource {ds['name']} points at {host}, which is no compose service")

for p in problems:
    print(f"  ERROR {p}")
print(f"check-compose: {len(services)} services, {len(targets)} scrape targets, "
      + ("OK" if not problems else f"{len(problems)} problems"))
sys.exit(1 if problems else 0)
PY
