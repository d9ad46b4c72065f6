// Offline checks of the Dockerfiles, for machines without a Docker engine: the syntax and flags every instruction
// takes (dockerfile-utils, the validator behind the VS Code Docker extension), plus Assay's own rules: every image's
// final stage runs as uid 65532, base images carry a tag, and no RUN continues across an empty line.
// Usage: node lint.mjs Dockerfile...
import { readFileSync } from "node:fs";
import { validate } from "dockerfile-utils";

let problems = 0;
const report = (file, line, message) => { console.log(`  ${file}:${line}: ${message}`); problems++; };

for (const file of process.argv.slice(2)) {
  const text = readFileSync(file, "utf8");
  for (const d of validate(text, {})) report(file, d.range.start.line + 1, d.message);

  const lines = text.split("\n");
  const stages = [];
  const args = {};
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const arg = line.match(/^ARG\s+([A-Za-z_]+)=(\S+)/);
    if (arg) args[arg[1]] = arg[2];
    const from = line.match(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i);
    if (from) {
      const image = from[1].replace(/\$\{(\w+)\}/g, (_, n) => args[n] ?? `\${${n}}`);
      const known = stages.some((s) => s.name === image);
      if (!known && !/[:@]/.test(image.split("/").pop())) report(file, i + 1, `base image ${image} has no tag`);
      if (/:latest$/.test(image)) report(file, i + 1, `base image ${image} uses the latest tag`);
      stages.push({ name: from[2], line: i + 1, user: null });
    }
    const user = line.match(/^USER\s+(\S+)/);
    if (user && stages.length) stages[stages.length - 1].user = user[1];
    if (raw.endsWith("\\") && i + 1 < lines.length && lines[i + 1].trim() === "")
      report(file, i + 1, "line continuation followed by an empty line");
  });
  // Stages that other stages copy from only build things; the stages nothing copies from are images people run.
  const copiedFrom = new Set([...text.matchAll(/COPY\s+--from=(\S+)/g)].map((m) => m[1]));
  for (const s of stages.filter((s) => !copiedFrom.has(s.name))) {
    if (!s.user || !/^65532(:65532)?$/.test(s.user)) report(file, s.line, `stage ${s.name ?? "(final)"} must end as USER 65532, has ${s.user ?? "none"}`);
  }
}
console.log(problems ? `docker lint: ${problems} problems` : "docker lint: OK");
process.exit(problems ? 1 : 0);
