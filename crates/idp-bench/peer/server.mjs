// panva oidc-provider as the peer in docs/benchmarks.md: in memory (its
// default adapter), one confidential client-credentials client, JWT access
// tokens signed with ALG (RS256 or ES256). Listens on 127.0.0.1:PORT.
//
//   PORT=9100 ALG=ES256 node server.mjs
import { generateKeyPair, exportJWK } from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT ?? 9100);
const alg = process.env.ALG ?? 'RS256';
const issuer = `http://127.0.0.1:${port}`;

const { privateKey } = await generateKeyPair(alg, { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), alg, use: 'sig', kid: 'bench' };

const provider = new Provider(issuer, {
  cookies: { keys: ['bench-only-cookie-key'] },
  jwks: { keys: [jwk] },
  clients: [{
    client_id: 'bench-service',
    client_secret: 'bench-service-secret',
    grant_types: ['client_credentials'],
    redirect_uris: [],
    response_types: [],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: alg,
  }],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    // JWT access tokens come through resource indicators: every token is
    // for one resource server that takes JWTs signed with ALG.
    resourceIndicators: {
      enabled: true,
      defaultResource: () => 'urn:bench:api',
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'api',
        audience: 'urn:bench:api',
        accessTokenTTL: 300,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg } },
      }),
    },
  },
});
provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider (${alg} JWT access tokens) is listening on ${issuer}`);
});
