# Runner image for Python sandbox Jobs (executor's Kubernetes backend): CPython 3 and its standard library (unittest is
# all the harness needs), no package manager, uid 65532. The executor supplies the command.
#   docker build -f docker/sandbox/python.Dockerfile -t assay/sandbox-python:dev docker/sandbox
# The executor's Job starts with a /bin/sh step that copies the read-only workspace ConfigMap into /workspace
# (find, cp, chmod) before exec'ing the command: those four busybox applets are the only tools added to the image.
FROM busybox:1.37.0-musl AS tools
RUN mkdir -p /out/bin && cp /bin/busybox /out/bin/busybox \
 && for applet in sh find cp chmod; do ln -s busybox "/out/bin/$applet"; done

FROM gcr.io/distroless/python3-debian12:nonroot
COPY --from=tools /out/bin/ /bin/
USER 65532:65532
WORKDIR /workspace
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
ENTRYPOINT ["/usr/bin/python3"]
