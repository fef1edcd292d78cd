# syntax=docker/dockerfile:1
# vmjob in a container: certify an implementation in any language without installing Python.
#
#   docker build -t vmjob .
#   docker run --rm --network host vmjob certify --url 'http://127.0.0.1:8080/{kind}'
#   docker run --rm -v "$PWD:/work" --user "$(id -u):$(id -g)" vmjob validate jobs/*.json
#
# Two stages: the first builds wheels of vmjob and its dependencies, the second installs them on a slim
# Python with no build tools and no cache, and runs vmjob as an unprivileged user.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md LICENSE NOTICE ./
COPY reference reference
COPY conformance conformance
COPY corpus corpus
RUN pip wheel --no-cache-dir --disable-pip-version-check --wheel-dir /wheels .

FROM python:3.11-slim
LABEL org.opencontainers.image.title="vmjob" \
      org.opencontainers.image.description="Conformance suite for the VM Operations Job Protocol v1" \
      org.opencontainers.image.licenses="Apache-2.0"
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --no-cache-dir --disable-pip-version-check --no-index --find-links /wheels vmjob-conformance \
    && useradd --create-home --uid 10001 --user-group vmjob \
    && mkdir /work && chown vmjob:vmjob /work
COPY LICENSE NOTICE /usr/share/doc/vmjob/
USER vmjob
WORKDIR /work
ENTRYPOINT ["vmjob"]
CMD ["--help"]
