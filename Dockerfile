# syntax=docker/dockerfile:1
# The collector: built with the official Swift image, run from a slim Debian with only libpq, libssl and zlib added.
# docker compose builds it (docker-compose.yml); alone: docker build -t agent-telemetry-collector .

ARG SWIFT_IMAGE=swift:6.3-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq-dev libssl-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so that a change to the sources does not fetch them again. A Package.resolved in the build
# context pins them: the build takes exactly its versions and fails when Package.swift no longer agrees with it.
# Without one (it is not in git) they resolve to the newest versions Package.swift allows.
COPY Package.* ./
RUN if [ -f Package.resolved ]; then swift package resolve --force-resolved-versions; else swift package resolve; fi
# Then the whole context less .dockerignore: Package.swift names folders besides Sources (Tests, Fuzz) whose absence
# makes the package unloadable, even for a product that does not use them.
COPY . ./
# The Swift runtime is linked in, so the runtime image needs no Swift libraries.
RUN swift build -c release --product collector --static-swift-stdlib \
    && install -D "$(swift build -c release --show-bin-path)/collector" /out/collector

FROM ${RUNTIME_IMAGE}
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 libssl3 zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/collector --shell /usr/sbin/nologin collector \
    && install -d -o collector -g collector /var/lib/collector /var/lib/collector/spool
COPY --from=build /out/collector /usr/local/bin/collector
COPY sql /app/sql
ENV HOST=0.0.0.0 \
    PORT=8080 \
    MIGRATIONS_DIR=/app/sql \
    SPOOL_DIR=/var/lib/collector/spool
USER collector
WORKDIR /var/lib/collector
EXPOSE 8080
# No curl in a slim image: bash's /dev/tcp asks for /api/v1/health and wants a 200 status line.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-8080} && printf 'GET /api/v1/health HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q '^HTTP/1\\.[01] 200 '"]
ENTRYPOINT ["collector"]
CMD ["serve"]
