# Production images, one target per process, all on Node 24 LTS:
#   docker build --target worker -t bytemark-ticket-cache-worker .   (also: scheduler, migrate, bytemark-simulator)
# The build stage installs every dependency and runs `npm run build` (type check, the prebuilt workflow bundle,
# esbuild output in each app's dist/); the runtime stages hold that output and the production dependencies only,
# and run it with `node` as the unprivileged `node` user. docker-compose.yml builds these targets.
# Node pinned to the full version CI runs (.ci/run, NODE24_VERSION) on Debian 13 "trixie", the current stable release
# (bookworm is oldstable). For reproducible production builds pin the digest too: node:24.22.3-trixie-slim@sha256:...
ARG NODE_IMAGE=node:24.22.3-trixie-slim

# Only the files `npm ci` reads, so the install layers below are rebuilt only when a manifest changes
# (COPY --from compares content, and this stage's output is the same for a source-only change).
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN mkdir /manifests && cp package.json package-lock.json .npmrc /manifests/ \
  && find . -mindepth 2 -maxdepth 3 -name package.json -not -path './node_modules/*' -exec cp --parents {} /manifests/ \;

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NX_DAEMON=false NX_NO_CLOUD=true NX_TUI=false
COPY --from=manifests /manifests/ ./
# Exactly the lockfile: `npm ci` fails rather than resolve anew (the lockfile is checked to pass `npm ci` on a fresh
# clone; deploy/README.md says how).
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production NODE_OPTIONS=--enable-source-maps
COPY --from=manifests /manifests/ ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/apps/worker/dist/ apps/worker/dist/
COPY --from=build /app/apps/scheduler/dist/ apps/scheduler/dist/
COPY --from=build /app/apps/bytemark-simulator/dist/ apps/bytemark-simulator/dist/
COPY --from=build /app/migrations/dist/ migrations/dist/
USER node

# One-shot: MySQL migrations and MongoDB indexes.
FROM runtime AS migrate
CMD ["node", "migrations/dist/cli.js", "up"]

# One-shot: ensures the Schedules and search attributes, starts the bootstrap. Also the operator CLI:
# `docker compose run --rm scheduler node apps/scheduler/dist/cli.js doctor`.
FROM runtime AS scheduler
CMD ["node", "apps/scheduler/dist/main.js"]

# For demos without Bytemark credentials.
FROM runtime AS bytemark-simulator
EXPOSE 4010
CMD ["node", "apps/bytemark-simulator/dist/main.js", "--host", "0.0.0.0", "--port", "4010"]

# The worker (the default target): refuses to start in production without dist/workflow-bundle.js.
# Healthy = GET /readyz answers 200 (both Temporal workers run); /livez is for liveness probes.
FROM runtime AS worker
EXPOSE 9464 9465
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.WORKER_HEALTH_PORT || 9465) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The heap limit is WORKER_HEAP_MB (libs/config/src/heap-limit.ts): V8 would otherwise size it from the host.
CMD ["node", "--max-old-space-size=256", "apps/worker/dist/main.js"]
