# syntax=docker/dockerfile:1
#
# Kiln in one image: Debian bookworm, the pinned Deno, and the tools the offline providers run
# (ffmpeg, espeak-ng, pocketsphinx). Serves on :8000 as the unprivileged user `kiln`; the Deno KV
# file, local blobs and generated secrets live in the /var/lib/kiln volume. See docs/deploy.md.
# This file is not built in CI (no container engine there); the steps it runs are the README's.
#
#   docker build -t kiln .
#   docker run -d --name kiln -p 8000:8000 -v kiln-data:/var/lib/kiln --stop-timeout 30 \
#     -e KILN_PUBLIC_URL=https://kiln.example.com kiln

# --- Stage 1: the Deno binary ------------------------------------------------------------------
# `./deno` is the one place the version is written and gets that release from the npm registry;
# do the same here and keep only the binary, so the runtime image needs neither node nor npm.
FROM debian:bookworm-slim AS deno
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates nodejs npm \
 && rm -rf /var/lib/apt/lists/*
COPY deno /tmp/deno-wrapper
RUN version="$(sed -n 's/^DENO_VERSION=//p' /tmp/deno-wrapper)" \
 && test -n "$version" \
 && npm install -g --no-fund --no-audit "deno@${version}" \
 && exe="$(cd "$(npm root -g)/deno" && node -p 'require("./install_api.cjs").runInstall()')" \
 && install -m 0755 "$exe" /deno \
 && test "$(/deno --version | head -n1 | cut -d' ' -f2)" = "$version"

# --- Stage 2: the application ------------------------------------------------------------------
FROM debian:bookworm-slim
# scripts/system-packages.txt minus the test-only ones (chromium, wrk, pocketsphinx-testdata,
# postgresql: the database is a separate service) and the optional festival voices; curl for the health check.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ffmpeg espeak-ng flite poppler-utils fonts-dejavu-core pocketsphinx pocketsphinx-en-us ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*
COPY --from=deno /deno /usr/local/bin/deno

RUN useradd --system --uid 10001 --user-group --home-dir /opt/kiln --shell /usr/sbin/nologin kiln \
 && install -d -o kiln -g kiln /var/lib/kiln /var/cache/deno

# The npm packages are fetched into DENO_DIR at build time; the same DENO_DIR at run time means
# start-up needs no network. The code stays root-owned (read-only for kiln); DENO_DIR is kiln's
# because Deno writes its transpile cache there on first start.
ENV DENO_DIR=/var/cache/deno \
    DENO_NO_UPDATE_CHECK=1
WORKDIR /opt/kiln
COPY . .
RUN ./deno install --frozen \
 && ./deno task build \
 && chown -R kiln:kiln /var/cache/deno

ENV HOST=0.0.0.0 \
    PORT=8000 \
    KILN_DATA_DIR=/var/lib/kiln
USER kiln
VOLUME /var/lib/kiln
EXPOSE 8000
# /health answers 503 only when a required check (database, job engine) is down.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/health" || exit 1
# Kiln drains on SIGTERM (running jobs get KILN_SHUTDOWN_GRACE_MS, default 10 s): give `docker stop`
# more than that (--stop-timeout 30, or stop_grace_period: 30s in compose).
STOPSIGNAL SIGTERM
# The islands were bundled above; at run time only the server starts (the `start` task would
# rebuild first, which needs a writable /opt/kiln).
CMD ["./deno", "run", "-A", "main.ts"]
