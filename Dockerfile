# Shared base image: dependencies, sources and the workflow bundle. Each app's Dockerfile builds FROM it
# (docker-compose passes it as the `base` build context).
FROM node:20.20-bookworm-slim AS base
WORKDIR /app
ENV NODE_ENV=production NX_DAEMON=false NX_NO_CLOUD=true
COPY package.json package-lock.json .npmrc ./
COPY apps/worker/package.json apps/worker/
COPY apps/scheduler/package.json apps/scheduler/
COPY apps/bytemark-simulator/package.json apps/bytemark-simulator/
COPY libs/workflows/package.json libs/workflows/
COPY libs/activities/package.json libs/activities/
COPY libs/bytemark-client/package.json libs/bytemark-client/
COPY libs/data/package.json libs/data/
COPY libs/ticket-cache-client/package.json libs/ticket-cache-client/
COPY libs/schedules/package.json libs/schedules/
COPY libs/config/package.json libs/config/
COPY libs/bytemark-simulator/package.json libs/bytemark-simulator/
COPY libs/worker-runtime/package.json libs/worker-runtime/
COPY migrations/package.json migrations/
COPY tools/package.json tools/
RUN npm ci --no-audit --no-fund --include=dev
COPY . .
# Bundle the workflows at build time (STYLE: no webpack at worker start in production).
RUN npx tsx apps/worker/src/bundle-workflows.ts
USER node
