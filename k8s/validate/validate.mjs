// Validates rendered manifests (multi-document YAML, from `kubectl kustomize`) in two ways:
//  1. every object against its API schema, via the kubernetes-models packages (Kubernetes, KEDA and Prometheus
//     Operator types generated from their OpenAPI specs); an object of a kind they do not know is an error;
//  2. Assay's own deployment rules: restricted pod security everywhere, hardened and probed services, a sandbox
//     namespace that is closed off and bounded, the executor's least-privilege Role, autoscaling and disruption
//     budgets for each stage, and no reference to a ConfigMap that is not rendered.
// Usage: node validate.mjs rendered.yaml [more.yaml ...]   Exit status 1 when anything is wrong.
//        node validate.mjs --self-test rendered.yaml          Checks that broken variants of it are rejected.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const MODEL_PACKAGES = {
  "keda.sh": "@kubernetes-models/keda",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

let errors = [];
const fail = (obj, message) => errors.push(`${obj ? describe(obj) + ": " : ""}${message}`);
const describe = (o) => `${o.kind}/${o.metadata?.namespace ? o.metadata.namespace + "/" : ""}${o.metadata?.name}`;

async function schemaCheck(obj) {
  const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : ["", obj.apiVersion];
  const pkg = MODEL_PACKAGES[group] ?? "kubernetes-models";
  const path = pkg === "kubernetes-models" ? `${pkg}/${group ? group + "/" : ""}${version}/${obj.kind}`
                                           : `${pkg}/${group}/${version}/${obj.kind}`;
  let model;
  try {
    model = (await import(path))[obj.kind];
  } catch (e) {
    fail(obj, `no schema for ${obj.apiVersion} ${obj.kind} (${e.code ?? e.message})`);
    return;
  }
  try {
    new model(obj).validate();
  } catch (e) {
    fail(obj, `schema: ${e.message}`);
  }
}

const podSpecOf = (o) => (o.kind === "CronJob" ? o.spec?.jobTemplate?.spec?.template?.spec : o.spec?.template?.spec);
const isWorkload = (o) => ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"].includes(o.kind);
const isPipeline = (o) => o.kind === "Deployment" && o.metadata?.labels?.["app.kubernetes.io/component"] === "pipeline";

function restrictedPodSecurity(o, spec) {
  // Pod Security Standards "restricted", as pod-security-admission enforces it.
  const podSc = spec.securityContext ?? {};
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) fail(o, "uses host namespaces");
  for (const v of spec.volumes ?? []) {
    const allowed = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];
    const type = Object.keys(v).find((k) => k !== "name");
    if (!allowed.includes(type)) fail(o, `volume ${v.name} of type ${type} is not allowed by the restricted profile`);
  }
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.allowPrivilegeEscalation !== false) fail(o, `${where}: allowPrivilegeEscalation must be false`);
    if (sc.privileged) fail(o, `${where}: privileged`);
    if (!(sc.capabilities?.drop ?? []).includes("ALL")) fail(o, `${where}: must drop ALL capabilities`);
    if ((sc.capabilities?.add ?? []).some((cap) => cap !== "NET_BIND_SERVICE")) fail(o, `${where}: adds capabilities`);
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) fail(o, `${where}: runAsNonRoot must be true`);
    if ((sc.runAsUser ?? podSc.runAsUser) === 0) fail(o, `${where}: runs as uid 0`);
    const seccomp = (sc.seccompProfile ?? podSc.seccompProfile)?.type;
    if (!["RuntimeDefault", "Localhost"].includes(seccomp)) fail(o, `${where}: seccompProfile must be RuntimeDefault or Localhost`);
    if (!c.resources?.limits?.memory) fail(o, `${where}: no memory limit`);
  }
}

function hardenedService(o, spec) {
  if (!spec.serviceAccountName) fail(o, "no dedicated serviceAccountName");
  const isExecutor = o.metadata.labels["app.kubernetes.io/name"] === "executor";
  if (!isExecutor && spec.automountServiceAccountToken !== false) fail(o, "mounts a service account token it does not need");
  for (const c of spec.containers) {
    if (c.securityContext?.readOnlyRootFilesystem !== true) fail(o, `container ${c.name}: readOnlyRootFilesystem must be true`);
    if (c.livenessProbe?.httpGet?.path !== "/health/live") fail(o, `container ${c.name}: liveness probe must GET /health/live`);
    if (c.readinessProbe?.httpGet?.path !== "/health/ready") fail(o, `container ${c.name}: readiness probe must GET /health/ready`);
    if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) fail(o, `container ${c.name}: no cpu/memory requests`);
  }
}

const selects = (selector, labels) =>
  Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels?.[k] === v) && Object.keys(selector?.matchLabels ?? {}).length > 0;

function crossChecks(objs) {
  const find = (kind, ns, name) => objs.find((x) => x.kind === kind && x.metadata?.namespace === ns && x.metadata?.name === name);
  const byKind = (kind) => objs.filter((x) => x.kind === kind);

  // The sandbox namespace: restricted, closed, bounded.
  const sandboxNs = objs.find((x) => x.kind === "Namespace" && x.metadata.name === "assay-sandbox");
  if (!sandboxNs) fail(null, "namespace assay-sandbox is missing");
  else if (sandboxNs.metadata.labels?.["pod-security.kubernetes.io/enforce"] !== "restricted")
    fail(sandboxNs, "must enforce the restricted pod security profile");
  const closed = byKind("NetworkPolicy").some((p) => p.metadata.namespace === "assay-sandbox"
    && Object.keys(p.spec.podSelector ?? {}).length === 0
    && ["Ingress", "Egress"].every((t) => p.spec.policyTypes?.includes(t))
    && !(p.spec.ingress?.length) && !(p.spec.egress?.length));
  if (!closed) fail(null, "assay-sandbox needs a NetworkPolicy denying all ingress and egress for every pod");
  if (byKind("NetworkPolicy").some((p) => p.metadata.namespace === "assay-sandbox" && (p.spec.ingress?.length || p.spec.egress?.length)))
    fail(null, "assay-sandbox must not have NetworkPolicies that allow traffic");
  if (!byKind("ResourceQuota").some((q) => q.metadata.namespace === "assay-sandbox")) fail(null, "assay-sandbox has no ResourceQuota");
  if (!byKind("LimitRange").some((q) => q.metadata.namespace === "assay-sandbox")) fail(null, "assay-sandbox has no LimitRange");
  for (const w of objs.filter((x) => isWorkload(x) && x.metadata?.namespace === "assay-sandbox"))
    fail(w, "nothing but the executor's Jobs may run in assay-sandbox");

  // The services' namespace denies by default.
  const defaultDeny = byKind("NetworkPolicy").some((p) => p.metadata.namespace === "assay"
    && Object.keys(p.spec.podSelector ?? {}).length === 0 && ["Ingress", "Egress"].every((t) => p.spec.policyTypes?.includes(t))
    && !(p.spec.ingress?.length) && !(p.spec.egress?.length));
  if (!defaultDeny) fail(null, "namespace assay needs a default-deny NetworkPolicy");

  // The executor's Role: exactly these permissions, in the sandbox namespace only.
  // Secrets: the per-Job handshake Secrets, by name only (list/watch would hand over every Secret in the namespace).
  const allowed = { "batch/jobs": ["create", "get", "list", "watch", "delete"], "/configmaps": ["create", "get", "delete"],
                    "/secrets": ["create", "get", "delete"], "/pods": ["get", "list", "watch"], "/pods/log": ["get"] };
  for (const role of [...byKind("Role"), ...byKind("ClusterRole")]) {
    if (!role.metadata.name.includes("executor")) continue;
    if (role.kind === "ClusterRole" || role.metadata.namespace !== "assay-sandbox") fail(role, "the executor may only hold a Role in assay-sandbox");
    for (const rule of role.rules ?? []) {
      for (const g of rule.apiGroups ?? []) for (const r of rule.resources ?? []) for (const v of rule.verbs ?? []) {
        if (!(allowed[`${g}/${r}`] ?? []).includes(v)) fail(role, `grants ${v} on ${g || "core"}/${r}`);
      }
    }
  }

  // Each stage: a disruption budget; each plain-consumer stage: a KEDA ScaledObject on Kafka lag.
  for (const d of objs.filter(isPipeline)) {
    const labels = d.spec.template.metadata.labels;
    if (!byKind("PodDisruptionBudget").some((p) => p.metadata.namespace === d.metadata.namespace && selects(p.spec.selector, labels)))
      fail(d, "no PodDisruptionBudget selects its pods");
    const scaled = byKind("ScaledObject").find((s) => s.metadata.namespace === d.metadata.namespace && s.spec.scaleTargetRef?.name === d.metadata.name);
    if (labels["app.kubernetes.io/name"] !== "verifier") {
      if (!scaled) fail(d, "no KEDA ScaledObject scales it");
      else if (!scaled.spec.triggers.some((t) => t.type === "kafka" && t.metadata?.bootstrapServers && t.metadata?.consumerGroup))
        fail(scaled, "needs a kafka trigger with bootstrapServers and consumerGroup");
    }
    if (!byKind("Service").some((s) => s.metadata.namespace === d.metadata.namespace && selects({ matchLabels: s.spec.selector }, labels)))
      fail(d, "no Service exposes its metrics port");
  }
  const config = byKind("ConfigMap").find((c) => c.metadata.name.startsWith("assay-config"));
  for (const s of byKind("ScaledObject")) for (const t of s.spec.triggers ?? []) {
    if (t.type === "kafka" && config && t.metadata.bootstrapServers !== config.data.ASSAY_KAFKA_BOOTSTRAP_SERVERS)
      fail(s, `bootstrapServers ${t.metadata.bootstrapServers} differs from assay-config's ${config.data.ASSAY_KAFKA_BOOTSTRAP_SERVERS}`);
  }

  // Referenced ConfigMaps must be rendered (Secrets are created out of band and only listed).
  const secrets = new Set();
  for (const w of objs.filter(isWorkload)) {
    const spec = podSpecOf(w);
    const ns = w.metadata.namespace;
    for (const c of spec?.containers ?? []) {
      for (const ref of c.envFrom ?? []) {
        if (ref.configMapRef && !find("ConfigMap", ns, ref.configMapRef.name) && !ref.configMapRef.optional)
          fail(w, `envFrom ConfigMap ${ref.configMapRef.name} is not rendered`);
        if (ref.secretRef) secrets.add(`${ns}/${ref.secretRef.name}${ref.secretRef.optional ? " (optional)" : ""}`);
      }
    }
    for (const v of spec?.volumes ?? []) {
      if (v.configMap && !find("ConfigMap", ns, v.configMap.name)) fail(w, `volume ConfigMap ${v.configMap.name} is not rendered`);
    }
    if (spec?.serviceAccountName && !find("ServiceAccount", ns, spec.serviceAccountName))
      fail(w, `ServiceAccount ${spec.serviceAccountName} is not rendered`);
  }
  return [...secrets].sort();
}

async function validateAll(objs) {
  errors = [];
  for (const o of objs) {
    await schemaCheck(o);
    if (isWorkload(o) && ["assay", "assay-sandbox"].includes(o.metadata?.namespace)) restrictedPodSecurity(o, podSpecOf(o));
    if (isPipeline(o)) hardenedService(o, podSpecOf(o));
  }
  const secrets = crossChecks(objs);
  return { errors, secrets };
}

// Broken variants of a valid rendering; each must be rejected, which shows the checks above can fail.
const MUTATIONS = {
  "wrong type in a Deployment": (o) => pick(o, "Deployment").spec.template.spec.containers[0].ports[0].containerPort = "metrics",
  "missing required field": (o) => delete pick(o, "Deployment").spec.selector,
  "unknown kind": (o) => o.push({ apiVersion: "example.com/v1", kind: "Gadget", metadata: { name: "g" } }),
  "capabilities not dropped": (o) => delete pick(o, "Deployment").spec.template.spec.containers[0].securityContext.capabilities,
  "privilege escalation": (o) => pick(o, "Deployment").spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true,
  "writable root filesystem": (o) => pick(o, "Deployment").spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem = false,
  "no seccomp profile": (o) => { const s = pick(o, "Deployment").spec.template.spec; delete s.securityContext.seccompProfile; delete s.containers[0].securityContext.seccompProfile; },
  "wrong probe path": (o) => pick(o, "Deployment").spec.template.spec.containers[0].livenessProbe.httpGet.path = "/metrics",
  "executor may patch jobs": (o) => pick(o, "Role").rules[0].verbs.push("patch"),
  "executor may list secrets": (o) => pick(o, "Role").rules.push({ apiGroups: [""], resources: ["secrets"], verbs: ["list"] }),
  "executor may update secrets": (o) => pick(o, "Role").rules.push({ apiGroups: [""], resources: ["secrets"], verbs: ["update"] }),
  "sandbox egress allowed": (o) => pick(o, "NetworkPolicy", "assay-sandbox").spec.egress = [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }],
  "sandbox not restricted": (o) => o.find((x) => x.kind === "Namespace" && x.metadata.name === "assay-sandbox").metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline",
  "no sandbox quota": (o) => o.splice(o.indexOf(pick(o, "ResourceQuota")), 1),
  "no scaler for a stage": (o) => o.splice(o.indexOf(pick(o, "ScaledObject")), 1),
  "no disruption budget": (o) => o.splice(o.indexOf(pick(o, "PodDisruptionBudget")), 1),
  "KEDA schema: ScaledObject without target": (o) => delete pick(o, "ScaledObject").spec.scaleTargetRef,
  "Prometheus Operator schema: bad ServiceMonitor": (o) => pick(o, "ServiceMonitor").spec.endpoints = "metrics",
  "missing ConfigMap": (o) => o.splice(o.indexOf(o.find((x) => x.kind === "ConfigMap" && x.metadata.name.startsWith("assay-config"))), 1),
};
function pick(objs, kind, namespace) {
  const found = objs.find((x) => x.kind === kind && (!namespace || x.metadata?.namespace === namespace)
    && (kind !== "Deployment" || isPipeline(x)));
  if (!found) throw new Error(`self-test: no ${kind} to mutate`);
  return found;
}

const selfTest = process.argv[2] === "--self-test";
const objs = [];
for (const file of process.argv.slice(selfTest ? 3 : 2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) fail(null, `${file}: ${doc.errors[0].message}`);
    const obj = doc.toJS();
    if (obj) objs.push(obj);
  }
}
if (errors.length || !objs.length) {
  console.error(`validate: ${errors[0] ?? "no objects to validate"}`);
  process.exit(2);
}

if (selfTest) {
  const baseline = await validateAll(objs);
  if (baseline.errors.length) {
    console.log(`  self-test needs a valid rendering; got:\n    ${baseline.errors.join("\n    ")}`);
    process.exit(1);
  }
  let missed = 0;
  for (const [name, mutate] of Object.entries(MUTATIONS)) {
    const copy = structuredClone(objs);
    mutate(copy);
    const { errors: found } = await validateAll(copy);
    if (found.length) console.log(`  rejected as expected: ${name} (${found[0]})`);
    else { console.log(`  NOT REJECTED: ${name}`); missed++; }
  }
  console.log(`  ${Object.keys(MUTATIONS).length - missed} of ${Object.keys(MUTATIONS).length} broken variants rejected`);
  process.exit(missed ? 1 : 0);
}

const { errors: found, secrets } = await validateAll(objs);
const kinds = {};
for (const o of objs) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
console.log(`  ${objs.length} objects: ${Object.entries(kinds).map(([k, n]) => `${n} ${k}`).join(", ")}`);
console.log(`  Secrets to provide: ${secrets.join(", ") || "none"}`);
for (const e of found) console.log(`  ERROR ${e}`);
process.exit(found.length ? 1 : 0);
