# syntax=docker/dockerfile:1
#
# Narrative Radar. The app runs its TypeScript sources through tsx (bin/radar.mjs),
# so there is no compile step: the build stage only installs the production
# dependencies, compiling better-sqlite3's native module with the tools the
# runtime image does not need.
#
#   docker build -t narrative-radar .
#   docker run --rm -it --env-file .env -v radar-data:/app/data narrative-radar           # start
#   docker run --rm -it --env-file .env -v radar-data:/app/data narrative-radar doctor    # checks
#
# See compose.yaml for a service definition with /healthz and /metrics.

ARG NODE_VERSION=20

FROM node:${NODE_VERSION}-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 falls back to node-gyp when no prebuilt binary matches: Python, make, a C++ compiler.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# tsx is a production dependency: the runtime needs it.
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# No system fonts needed: charts draw with the DejaVu Sans files in src/adapters/charts/fonts.
WORKDIR /app
# HTTP_HOST: loopback inside a container is unreachable from outside, so bind every interface
# and choose who reaches the port when publishing it (compose.yaml publishes on the host's 127.0.0.1).
ENV NODE_ENV=production \
    DB_PATH=/app/data/radar.db \
    HTTP_HOST=0.0.0.0
# Application files stay owned by root: the app cannot rewrite its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
COPY bin ./bin
COPY src ./src
COPY config ./config
# Compile the sources once (bin/radar.mjs caches the bundle in node_modules/.cache): tsx's loader thread costs 60–80 MB.
RUN node bin/radar.mjs help > /dev/null
# Demo feeds and candles, so `docker run --rm narrative-radar demo` works offline.
COPY data/demo ./data/demo
RUN chown node:node /app/data
USER node
# The database (and its -wal/-shm files) lives here: mount a volume to keep it.
VOLUME /app/data
# /healthz and /metrics, when HTTP_PORT is set (compose.yaml uses 9464).
EXPOSE 9464
# Healthy when HTTP_PORT is unset (nothing to ask); otherwise /healthz must answer 200.
HEALTHCHECK --interval=30s --timeout=5s --start-period=2m --retries=3 \
  CMD ["node", "-e", "const p = process.env.HTTP_PORT; if (!p) process.exit(0); fetch(`http://127.0.0.1:${p}/healthz`, { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));"]
# The bot's memory budget (npm start uses the same settings): a 160 MB old generation, 1 MB semi-spaces, a heap
# that grows 15% past what survived a collection, and one V8 helper thread (V8 otherwise lets the heap grow far
# before collecting); two malloc arenas instead of glibc's eight per core, which held memory the bot had freed.
# npm run soak, 1,000 feeds: peak RSS ~180 MB, ~165 MB steady.
# A heavy one-off command (a long replay) can lift the heap limits:
# docker run -e NODE_OPTIONS= … replay …
ENV MALLOC_ARENA_MAX=2
ENV NODE_OPTIONS="--max-old-space-size=160 --max-semi-space-size=1 --v8-pool-size=1"
# --heap-growing-percent is a V8 flag NODE_OPTIONS does not accept.
ENTRYPOINT ["node", "--heap-growing-percent=15", "bin/radar.mjs"]
CMD ["start"]
