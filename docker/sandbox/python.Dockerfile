# Runner image for Python sandbox Jobs (executor's Kubernetes backend): CPython 3 and its standard library (unittest is
# all the harness needs), no shell, no package manager, uid 65532. The executor supplies the command.
#   docker build -f docker/sandbox/python.Dockerfile -t assay/sandbox-python:dev docker/sandbox
FROM gcr.io/distroless/python3-debian12:nonroot
USER 65532:65532
WORKDIR /workspace
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
ENTRYPOINT ["/usr/bin/python3"]
