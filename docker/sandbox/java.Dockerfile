# Runner image for Java sandbox Jobs: a jlink'ed Java 21 runtime that keeps the compiler (the harness compiles the
# generated sources in-process through javax.tools) on distroless base (glibc), uid 65532.
#   docker build -f docker/sandbox/java.Dockerfile -t assay/sandbox-java:dev docker/sandbox
FROM eclipse-temurin:21-jdk-noble AS jre
RUN jlink --add-modules java.se,jdk.compiler,jdk.zipfs,jdk.unsupported \
          --strip-debug --no-header-files --no-man-pages --compress=zip-6 --output /opt/java

# The executor's Job starts with a /bin/sh step that copies the read-only workspace ConfigMap into /workspace
# (find, cp, chmod) before exec'ing the command: those four busybox applets are the only tools added to the image.
FROM busybox:1.37.0-musl AS tools
RUN mkdir -p /out/bin && cp /bin/busybox /out/bin/busybox \
 && for applet in sh find cp chmod; do ln -s busybox "/out/bin/$applet"; done

FROM gcr.io/distroless/base-debian12:nonroot
COPY --from=jre /opt/java /opt/java
ENV JAVA_HOME=/opt/java PATH=/opt/java/bin:/usr/bin:/bin
COPY --from=tools /out/bin/ /bin/
USER 65532:65532
WORKDIR /workspace
ENTRYPOINT ["/opt/java/bin/java"]
