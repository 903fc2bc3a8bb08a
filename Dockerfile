# cloudrun-auditor as a container: for Cloud Run jobs, CI runners, or any host with no Node.js.
# Build:  docker build -t cloudrun-auditor .
# Run:    docker run --rm cloudrun-auditor audit --project acme-prod --format json

# ---- build: compile TypeScript with the dev dependencies --------------------------------------------
FROM node:20.19.5-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY rules ./rules
# Only the data files under src/ are read at run time (schemas, role data, the demo scenario).
RUN npm run build \
 && mkdir -p /out/src \
 && cd src && find . \( -name '*.json' -o -name '*.yaml' \) -exec cp --parents {} /out/src/ \;

# ---- run: production dependencies only, as a non-root user -------------------------------------------
FROM node:20.19.5-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /out/src ./src
COPY rules ./rules
COPY README.md ./
RUN chmod 0755 dist/src/cli/main.js \
 && ln -s /app/dist/src/cli/main.js /usr/local/bin/cloudrun-auditor
# The node image's unprivileged user (uid 1000): the scanner needs no write access to the image.
USER node
ENTRYPOINT ["cloudrun-auditor"]
CMD ["--help"]
