# One image for every service, built once (docker-compose.yml and the Helm chart pick the
# service with `command:`, or with SERVICE=<name> for the default command). Its entry point,
# docker/entrypoint.sh, loads the container's generated secrets if compose mounted them.
#
# The services run compiled, as pm2 runs them natively (docs/conventions.md): `npm run build`
# (tsc -b) makes services/<name>/dist and packages/<name>/dist, and `--conditions=shop-dist`
# on every command sends each @shop/* import to its dist/ too (their package.json `exports`;
# without it they resolve to TypeScript and node refuses). The runtime stage has production
# dependencies only (no tsx, TypeScript or test tools).
# Node 24 LTS (Node 20 reached its end of life in April 2026).
ARG NODE_IMAGE=node:24-bookworm-slim

# Only the manifests, so `npm ci` stays cached until a package.json or the lockfile changes.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN find . -type d -name node_modules -prune -exec rm -rf {} + \
 && find . -type f ! -name package.json ! -name package-lock.json -delete \
 && find . -type d -empty -delete

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=manifests /src/ ./
RUN npm ci --no-audit --no-fund

# What the services need at run time: the same lockfile without dev dependencies.
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY --from=manifests /src/ ./
RUN npm ci --omit=dev --no-audit --no-fund

# The services and packages compiled to JavaScript; /out holds only each workspace's dist/.
FROM deps AS build
COPY . .
RUN npm run build \
 && for d in packages/*/dist services/*/dist; do mkdir -p "/out/$d" && cp -R "$d/." "/out/$d/"; done \
 && find /out -name '*.d.ts' -delete -o -name .tsbuildinfo -delete

# The storefront (`--target storefront`): built with its own lockfile, then only the static
# files in nginx, served from disk (nginx/storefront.inc). compose's balancer is this image.
FROM ${NODE_IMAGE} AS storefront-build
WORKDIR /storefront
COPY storefront/package.json storefront/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY storefront/ ./
RUN npm run build

# The merged OpenAPI document and Swagger UI (/api-docs), generated from the route declarations.
FROM deps AS api-docs-build
COPY . .
RUN npx tsx scripts/api-docs.ts /api-docs

FROM nginx:1.28-alpine AS storefront
COPY nginx/storefront.conf /etc/nginx/nginx.conf
COPY nginx/storefront.inc /etc/nginx/conf.d/storefront.inc
COPY --from=storefront-build /storefront/dist /usr/share/nginx/storefront
COPY --from=api-docs-build /api-docs /usr/share/nginx/api-docs
EXPOSE 8080

# The services (the default target: the last stage).
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
# V8's heap flags, the ones pm2 gives the native replicas (HEAP_ARGS in ecosystem.config.cjs,
# docs/decisions.md "A heap limit for every replica"), for every container of this image: Compose
# and the Helm chart run it unchanged. Without it node sizes its heap from the container's memory
# limit, or from the host's memory where there is none. The containers' memory limits stay above
# it (1 GiB, pm2's max_memory_restart); test/deploy fails when either drifts from pm2's.
ENV NODE_OPTIONS="--max-old-space-size=384 --max-semi-space-size=64"
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app/ ./
COPY --chown=node:node . .
COPY --from=build --chown=node:node /out/ ./
USER node
# Graceful shutdown lives in main.ts: SIGTERM drains HTTP and consumers, then exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["sh", "-c", "test -f \"services/${SERVICE:?set SERVICE=<user|product|cart|order|inventory|email>}/dist/main.js\" && exec node --conditions=shop-dist services/${SERVICE}/dist/main.js"]
