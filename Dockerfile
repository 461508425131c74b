# lobkit recorder image: `lobkit record` as a 24/7 daemon (see compose.yaml and the README).
#   docker build -t lobkit .
#   docker run -d --restart unless-stopped -v "$PWD/data:/data" -v "$PWD/deploy/record.yaml:/config/record.yaml:ro" -p 127.0.0.1:9464:9464 lobkit

# ---- build: compile TypeScript, then keep production dependencies only ----
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY bin ./bin
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- runtime ----
FROM node:20-bookworm-slim
# A larger young generation: fewer scavenges at 100k messages/s (GC time 2.5 s -> 1.9 s in a
# 12 s profile of bench/record); costs ~100 MB of memory.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=64 \
    LOBKIT_OUT=/data \
    LOBKIT_METRICS_HOST=0.0.0.0 \
    LOBKIT_METRICS_PORT=9464 \
    LOBKIT_LOG_LEVEL=info
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
RUN mkdir -p /data /config && chown node:node /data
USER node
VOLUME ["/data"]
# Metrics (Prometheus /metrics, JSON /metrics.json). Publish it on the host's loopback only.
EXPOSE 9464
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9464/metrics.json').then(r => r.json()).then(m => process.exit(m.connections.every(c => c.up) ? 0 : 1)).catch(() => process.exit(1))"]
# SIGTERM completes every open file (gzip trailer, fsync, rename); give it time (compose: stop_grace_period).
STOPSIGNAL SIGTERM
ENTRYPOINT ["node", "/app/bin/lobkit.js"]
CMD ["record", "--config", "/config/record.yaml"]
