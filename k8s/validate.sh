#!/usr/bin/env bash
# Offline validation of the Kubernetes manifests: renders every overlay with kustomize (kubectl's built-in one, or a
# standalone `kustomize`), then checks each rendering against the Kubernetes, KEDA and Prometheus Operator schemas and
# Assay's deployment rules (k8s/validate/validate.mjs), and finally checks that broken variants are rejected.
# Needs: kubectl (or kustomize), node >= 20 and npm (the checker's packages come from the npm registry, pinned by
# k8s/validate/package-lock.json). Exit status 0 when every overlay passes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if command -v kubectl >/dev/null && kubectl kustomize --help >/dev/null 2>&1; then
    render() { kubectl kustomize "$1"; }
    echo "validate: rendering with $(kubectl version --client 2>/dev/null | grep -i kustomize || echo 'kubectl kustomize')"
elif command -v kustomize >/dev/null; then
    render() { kustomize build "$1"; }
    echo "validate: rendering with kustomize $(kustomize version 2>/dev/null)"
else
    echo "validate: neither kubectl nor kustomize is installed; cannot render the overlays" >&2
    exit 2
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "validate: node and npm are needed" >&2
    exit 2
fi

# Install the pinned checker packages once (and again whenever the lock file changes).
if [[ ! -f validate/node_modules/.package-lock.json || validate/package-lock.json -nt validate/node_modules/.package-lock.json ]]; then
    (cd validate && npm ci --no-audit --no-fund --loglevel=error --engine-strict=false)
fi

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
status=0
for overlay in overlays/*/; do
    name="$(basename "$overlay")"
    echo "validate: overlay $name"
    if ! render "$overlay" >"$out/$name.yaml"; then
        echo "  ERROR kustomize could not render $overlay" >&2
        status=1
        continue
    fi
    node validate/validate.mjs "$out/$name.yaml" || status=1
done

echo "validate: self-test (broken variants of the dev rendering must be rejected)"
node validate/validate.mjs --self-test "$out/dev.yaml" | tail -1
[[ "${PIPESTATUS[0]}" == 0 ]] || status=1

if ((status == 0)); then echo "validate: OK"; else echo "validate: FAILED"; fi
exit "$status"
