# Runner image for JavaScript sandbox Jobs: Node.js 22 (its built-in test runner runs the tests), no shell, no npm,
# uid 65532. The executor supplies the command; node lives at /nodejs/bin/node in this image.
#   docker build -f docker/sandbox/node.Dockerfile -t assay/sandbox-node:dev docker/sandbox
FROM gcr.io/distroless/nodejs22-debian12:nonroot
USER 65532:65532
WORKDIR /workspace
ENTRYPOINT ["/nodejs/bin/node"]
