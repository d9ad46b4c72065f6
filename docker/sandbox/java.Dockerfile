# syntax=docker/dockerfile:1.7
# Runner image for Java sandbox Jobs: a jlink'ed Java 21 runtime that keeps the compiler (the harness compiles the
# generated sources in-process through javax.tools) on distroless base (glibc), the harness at /opt/assay/harness
# (java/assay-harness.jar and JUnit's console standalone jar), uid 65532. The executor supplies the command; the
# runtime lives at /opt/java (ASSAY_EXECUTOR_JAVA_HOME).
# Build from the repository root (the harness directory is built from the harness module's sources):
#   docker build -f docker/sandbox/java.Dockerfile -t assay/sandbox-java:dev .

ARG MAVEN_IMAGE=maven:3.9-eclipse-temurin-21

# /opt/assay/harness exactly as the executor lays it out for its local sandboxes (harness/PROTOCOL.md "Layout").
FROM ${MAVEN_IMAGE} AS harness
WORKDIR /src
COPY pom.xml ./
COPY harness/ harness/
RUN --mount=type=cache,target=/root/.m2 \
    mvn -B -q -f harness/pom.xml -Dmaven.test.skip=true clean package \
 && java -cp harness/target/classes dev.assay.harness.HarnessLayout /out/harness

# jdk.management gives the harness the JVM's own CPU time figure (it falls back to /proc without it).
FROM eclipse-temurin:21-jdk-noble AS jre
RUN jlink --add-modules java.se,jdk.compiler,jdk.zipfs,jdk.unsupported,jdk.management \
          --strip-debug --no-header-files --no-man-pages --compress=zip-6 --output /opt/java

# The executor's Job starts with a /bin/sh step that copies the read-only workspace ConfigMap into /workspace
# (find, cp, chmod) before exec'ing the command, and an init container that copies the handshake out of its Secret
# (sh, cp, chmod): those four busybox applets are the only tools added to the image.
FROM busybox:1.37.0-musl AS tools
RUN mkdir -p /out/bin && cp /bin/busybox /out/bin/busybox \
 && for applet in sh find cp chmod; do ln -s busybox "/out/bin/$applet"; done

FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=jre /opt/java /opt/java
ENV JAVA_HOME=/opt/java PATH=/opt/java/bin:/usr/bin:/bin
COPY --from=tools /out/bin/ /bin/
COPY --from=harness /out/harness/ /opt/assay/harness/
USER 65532:65532
WORKDIR /workspace
# The build fails unless this runtime can load the harness's main class from the jars the executor's command names.
RUN ["/opt/java/bin/java", "-XX:-UsePerfData", "--dry-run", "-cp", "/opt/assay/harness/java/assay-harness.jar:/opt/assay/harness/java/junit-platform-console-standalone.jar", "dev.assay.harness.JavaHarness"]
ENTRYPOINT ["/opt/java/bin/java"]
