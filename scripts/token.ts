import { parseArgs } from 'node:util';
import { Authenticator, authConfigFromEnv } from '../platform/auth.js';

// npm run token -- --role caseworker --commune 00070
// Mints a bearer token with this machine's shared secret (AUTH_SECRET, or the local secret that
// `npm start` keeps in DATA_DIR/auth-secret). Deployments that verify tokens from an identity
// provider (AUTH_PUBLIC_KEY or AUTH_JWKS_URL) get their tokens there instead.

const usage = `usage: npm run token -- --role <role> [--role <role> ...] [--commune <code>[,<code>...]] [--sub <subject>] [--ttl <seconds>]

roles (config/access-policy.json, or ACCESS_POLICY_FILE, and each department's subgraphs/<name>/access.json):`;

let values;
try {
  ({ values } = parseArgs({
    options: {
      role: { type: 'string', multiple: true },
      commune: { type: 'string', multiple: true },
      sub: { type: 'string' },
      ttl: { type: 'string', default: '28800' },
      help: { type: 'boolean' },
    },
  }));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const config = authConfigFromEnv();
const roles = values.role ?? [];
if (values.help || !roles.length) {
  console.error(usage);
  for (const [name, role] of Object.entries(config.policy.roles)) console.error(`  ${name.padEnd(24)} ${role.description ?? ''}`);
  process.exit(values.help ? 0 : 2);
}
for (const role of roles) {
  if (!config.policy.roles[role]) {
    console.error(`unknown role "${role}"; the policy has: ${Object.keys(config.policy.roles).join(', ')}`);
    process.exit(2);
  }
}
const communes = (values.commune ?? [])
  .flatMap((c) => c.split(','))
  .map((c) => c.trim())
  .filter(Boolean);
const bad = communes.find((c) => !/^\d{5}$/.test(c));
if (bad) {
  console.error(`--commune takes five-digit commune codes, got "${bad}"`);
  process.exit(2);
}
if (roles.some((r) => config.policy.roles[r]!.communeScoped) && !communes.length) {
  console.error(`${roles.join(', ')} is scoped to communes: name them with --commune 00070[,00073]`);
  process.exit(2);
}
const ttl = Number(values.ttl);
if (!Number.isInteger(ttl) || ttl < 1) {
  console.error(`--ttl takes seconds, got "${values.ttl}"`);
  process.exit(2);
}
if (!config.secret) {
  console.error(`tokens are verified with ${config.keySource}; mint them with that key's issuer, not here`);
  process.exit(2);
}
const auth = new Authenticator(config);
const token = await auth.mint({ sub: values.sub ?? `local-${roles.join('+')}`, roles, ...(communes.length ? { communes } : {}) }, { expiresInSeconds: ttl });
// The token alone on standard output, so that TOKEN=$(npm run -s token -- ...) works.
console.log(token);
console.error(`(${roles.join(', ')}${communes.length ? ` in ${communes.join(', ')}` : ''}; valid ${ttl} s; send it as "Authorization: Bearer <token>")`);
