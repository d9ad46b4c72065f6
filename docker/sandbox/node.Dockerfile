# syntax=docker/dockerfile:1.7
# Runner image for JavaScript sandbox Jobs: Node.js 22 (its built-in test runner runs the tests), acorn 8.8 (Debian 12's
# node-acorn) at /usr/share/nodejs/acorn for analysis runs, the harness at /opt/assay/harness, no npm, uid 65532.
# The executor supplies the command; node lives at /nodejs/bin/node in this image (ASSAY_EXECUTOR_NODE).
# Build from the repository root (the harness directory is built from the harness module's sources):
#   docker build -f docker/sandbox/node.Dockerfile -t assay/sandbox-node:dev .
# The executor's Job starts with a /bin/sh step that copies the read-only workspace ConfigMap into /workspace
# (find, cp, chmod) before exec'ing the command, and an init container that copies the handshake out of its Secret
# (sh, cp, chmod): those four busybox applets are the only tools added to the image.

ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-21

# /opt/assay/harness exactly as the executor lays it out for its local sandboxes (harness/PROTOCOL.md "Layout").
FROM ${MAVEN_IMAGE} AS harness
WORKDIR /src
COPY pom.xml ./
COPY harness/ harness/
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -f harness/pom.xml -Dmaven.test.skip=true clean package \
 && java -cp harness/target/classes dev.assay.harness.HarnessLayout /out/harness

# The parser the executor names in analysis handshakes (executor.js.parser): the same package local sandboxes use.
FROM debian:12-slim AS acorn
RUN apt-get update \
 && apt-get install -y --no-install-recommends node-acorn \
 && rm -rf /var/lib/apt/lists/*

FROM busybox:1.37.0-musl AS tools
RUN mkdir -p /out/bin && cp /bin/busybox /out/bin/busybox \
 && for applet in sh find cp chmod; do ln -s busybox "/out/bin/$applet"; done

FROM gcr.io/distroless/nodejs22-debian12:nonroot
COPY --from=tools /out/bin/ /bin/
COPY --from=acorn /usr/share/nodejs/acorn/ /usr/share/nodejs/acorn/
COPY --from=harness /out/harness/ /opt/assay/harness/
USER 65532:65532
WORKDIR /workspace
# The build fails unless node, run as the sandbox runs it, can load acorn's ES module and parse with it, and finds the harness.
RUN ["/nodejs/bin/node", "--input-type=module", "-e", "const { parse } = await import('/usr/share/nodejs/acorn/dist/acorn.mjs'); parse('let a = 1;', { ecmaVersion: 'latest', sourceType: 'module' }); (await import('node:fs')).accessSync('/opt/assay/harness/js/harness.mjs');"]
ENTRYPOINT ["/nodejs/bin/node"]
