# Runner image for JavaScript sandbox Jobs: Node.js 22 (its built-in test runner runs the tests), no npm,
# uid 65532. The executor supplies the command; node lives at /nodejs/bin/node in this image.
#   docker build -f docker/sandbox/node.Dockerfile -t assay/sandbox-node:dev docker/sandbox
# The executor's Job starts with a /bin/sh step that copies the read-only workspace ConfigMap into /workspace
# (find, cp, chmod) before exec'ing the command: those four busybox applets are the only tools added to the image.
FROM busybox:1.37.0-musl AS tools
RUN mkdir -p /out/bin && cp /bin/busybox /out/bin/busybox \
 && for applet in sh find cp chmod; do ln -s busybox "/out/bin/$applet"; done

FROM gcr.io/distroless/nodejs22-debian12:nonroot
COPY --from=tools /out/bin/ /bin/
USER 65532:65532
WORKDIR /workspace
ENTRYPOINT ["/nodejs/bin/node"]
