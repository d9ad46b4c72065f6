# syntax=docker/dockerfile:1.7
# Runner image for Python sandbox Jobs (executor's Kubernetes backend): Debian 12's CPython 3.11 (distroless) with real
# pytest 7.2 (Debian 12's python3-pytest and its dependencies, all pure Python, copied into /usr/lib/python3/dist-packages,
# which Debian's interpreter searches also under -I), the harness at /opt/assay/harness, no package manager,
# uid 65532. The executor supplies the command (/usr/bin/python3 -I -B /opt/assay/harness/python/...).
# Build from the repository root (the harness directory is built from the harness module's sources):
#   docker build -f docker/sandbox/python.Dockerfile -t assay/sandbox-python:dev .
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

# Same Debian release as the distroless base, so the packages match its interpreter.
FROM debian:12-slim AS pytest
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3-pytest \
 && rm -rf /var/lib/apt/lists/*

FROM busybox:1.37.0-musl AS tools
RUN mkdir -p /out/bin && cp /bin/busybox /out/bin/busybox \
 && for applet in sh find cp chmod; do ln -s busybox "/out/bin/$applet"; done

FROM gcr.io/distroless/python3-debian12:nonroot
COPY --from=tools /out/bin/ /bin/
COPY --from=pytest /usr/lib/python3/dist-packages/ /usr/lib/python3/dist-packages/
COPY --from=harness /out/harness/ /opt/assay/harness/
USER 65532:65532
WORKDIR /workspace
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
# The build fails unless the interpreter, run as the sandbox runs it, finds pytest 7 and the harness.
RUN ["/usr/bin/python3", "-I", "-B", "-c", "import pytest; assert pytest.__version__.startswith('7.'), pytest.__version__; open('/opt/assay/harness/python/assay_canon.py').close()"]
ENTRYPOINT ["/usr/bin/python3"]
