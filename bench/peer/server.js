// node-oidc-provider (pinned in package.json) set up as the peer of the StepUpIdp token endpoint benchmark:
// RS256 JWT access tokens for client credentials and for the code flow (one resource server), PKCE,
// refresh-token rotation for the public client, the built-in development login and consent pages,
// and an in-memory store without a size cap (the library's own caps at 1,000 entries and would evict
// sessions under load). Listens on 127.0.0.1 only. Usage: node server.js <port>
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.argv[2] ?? 5399);
const issuer = `http://127.0.0.1:${port}`;
const resource = 'urn:stepupidp:bench:api';

const store = new Map();
const now = () => Math.floor(Date.now() / 1000);
const live = (entry) => entry && (entry.expiresAt === undefined || entry.expiresAt > now());

class MapAdapter {
  constructor(model) { this.model = model; }
  key(id) { return `${this.model}:${id}`; }
  async upsert(id, payload, expiresIn) {
    const expiresAt = expiresIn ? now() + expiresIn : undefined;
    store.set(this.key(id), { payload, expiresAt });
    if (payload.uid) store.set(`uid:${payload.uid}`, { payload: id, expiresAt });
    if (payload.grantId) {
      const key = `grant:${payload.grantId}`;
      const keys = store.get(key)?.payload ?? [];
      keys.push(this.key(id));
      store.set(key, { payload: keys, expiresAt });
    }
  }
  async find(id) { const e = store.get(this.key(id)); return live(e) ? e.payload : undefined; }
  async findByUid(uid) { const e = store.get(`uid:${uid}`); return live(e) ? this.find(e.payload) : undefined; }
  async findByUserCode() { return undefined; }
  async consume(id) { const e = store.get(this.key(id)); if (e) e.payload.consumed = now(); }
  async destroy(id) { store.delete(this.key(id)); }
  async revokeByGrantId(grantId) {
    for (const key of store.get(`grant:${grantId}`)?.payload ?? []) store.delete(key);
    store.delete(`grant:${grantId}`);
  }
}
setInterval(() => { for (const [key, entry] of store) if (!live(entry)) store.delete(key); }, 10_000).unref();

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'bench' };

const provider = new Provider(issuer, {
  adapter: MapAdapter,
  jwks: { keys: [jwk] },
  cookies: { keys: ['stepupidp-bench-peer-cookie-key-0000000000'] },
  clients: [
    {
      client_id: 'bench-api', client_secret: 'bench-api-secret', token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'], response_types: [], redirect_uris: [],
    },
    {
      client_id: 'bench-spa', token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
      redirect_uris: ['http://127.0.0.1:8765/callback'],
    },
  ],
  findAccount: async (_ctx, sub) => ({
    accountId: sub,
    claims: async () => ({ sub, email: `${sub}@acme.test`, email_verified: true, name: sub }),
  }),
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  scopes: ['openid', 'profile', 'email', 'offline_access', 'api'],
  pkce: { required: () => true },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  ttl: { AccessToken: 900, ClientCredentials: 900, AuthorizationCode: 120, RefreshToken: 14 * 24 * 3600, IdToken: 3600 },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => resource,
      useGrantedResource: async () => true,
      getResourceServerInfo: async () => ({
        scope: 'api', audience: resource, accessTokenTTL: 900, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
});
provider.on('server_error', (_ctx, error) => console.error(error));
provider.listen(port, '127.0.0.1', () => console.log(`peer listening on ${issuer}`));
