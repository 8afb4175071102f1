# One image for every service (docker-compose.yml builds it once per service with
# --build-arg SERVICE=<name>; `command:` can also pick another service at run time).
#
# The services run from their TypeScript source through tsx, exactly as pm2 runs them
# natively (docs/conventions.md), so dev dependencies (tsx) stay in the image. A tsc
# build to plain JS would make the image smaller; until then, parity wins.
ARG NODE_IMAGE=node:20-bookworm-slim

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

FROM ${NODE_IMAGE} AS runtime
ARG SERVICE
RUN test -n "$SERVICE" || (echo "build with --build-arg SERVICE=<user|product|cart|order|inventory|email>" >&2; exit 1)
ENV NODE_ENV=production \
    SERVICE=${SERVICE} \
    SERVICE_NAME=${SERVICE}
WORKDIR /app
COPY --from=deps --chown=node:node /app/ ./
COPY --chown=node:node . .
RUN test -f "services/${SERVICE}/src/main.ts" || (echo "no services/${SERVICE}/src/main.ts" >&2; exit 1)
USER node
# Graceful shutdown lives in main.ts: SIGTERM drains HTTP and consumers, then exits.
STOPSIGNAL SIGTERM
CMD ["sh", "-c", "exec node --import tsx services/${SERVICE}/src/main.ts"]
