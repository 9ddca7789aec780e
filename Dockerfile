# One image for every process of the graph; the command picks the process
# (for example `npm run start:gateway` or `npm run start:registry`).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
# Every server listens on loopback unless HOST says otherwise (docker-compose.yml sets it per
# service, beside SUBGRAPH_REQUIRE_GATEWAY for the subgraphs).
ENV NODE_ENV=production
EXPOSE 4000 4001 4002 4003 4004 4005 4006
CMD ["npm", "start"]
