// idp as an OpenID Provider, proven from outside: openid-client (an OpenID
// Certified relying-party library) plays the apps, lib/browser.mjs plays the
// person. Run through run.sh, which registers the account and the clients and
// starts the server; see README.md.
//
// Each `describe` is one story; its steps run in order and share what the
// earlier ones got, and a step whose predecessor failed is skipped.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as jose from 'jose';

import {
  authorizationRequest,
  authorizeToCallback,
  callbackOf,
  client,
  configure,
  discoveryOptions,
  env,
  failure,
  person,
  registered,
  trace,
} from './lib/rp.mjs';

const now = () => Math.floor(Date.now() / 1000);

/** Skips a step when an earlier one of its story failed. */
function needs(t, ...values) {
  if (values.some((v) => v === undefined)) {
    t.skip('an earlier step of this story failed');
    return false;
  }
  return true;
}

const jwksCache = new Map();
function jwks(config) {
  const uri = config.serverMetadata().jwks_uri;
  if (!jwksCache.has(uri)) jwksCache.set(uri, jose.createRemoteJWKSet(new URL(uri), { timeoutDuration: 10_000 }));
  return jwksCache.get(uri);
}

/**
 * Checks an access token the way a resource server does (RFC 9068 §4):
 * typ at+jwt, signature by a key of the JWKS, iss, exp; and the claims RFC
 * 9068 §2.2 requires. Returns { header, payload }.
 */
async function verifyAccessToken(config, token) {
  assert.equal(typeof token, 'string', 'no access token');
  let header;
  try {
    header = jose.decodeProtectedHeader(token);
  } catch (err) {
    assert.fail(`the access token is not a JWT (RFC 9068, DESIGN.md "Tokens"): ${token.slice(0, 40)}… (${err.message})`);
  }
  assert.ok(
    ['at+jwt', 'application/at+jwt'].includes(String(header.typ).toLowerCase()),
    `access token header typ is ${JSON.stringify(header.typ)}, RFC 9068 §2.1 requires "at+jwt"; header: ${JSON.stringify(header)}`,
  );
  const { payload, protectedHeader } = await jose.jwtVerify(token, jwks(config), {
    issuer: env.issuer,
    typ: 'at+jwt',
    algorithms: ['RS256', 'ES256', 'EdDSA'],
  });
  for (const claim of ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti']) {
    assert.ok(payload[claim] !== undefined, `access token lacks "${claim}" (RFC 9068 §2.2 requires it): ${JSON.stringify(payload)}`);
  }
  assert.ok(payload.exp > now(), `access token already expired: exp ${payload.exp}`);
  return { header: protectedHeader, payload };
}

/** GET a JSON document, with a clear message when it is not one. */
async function getJson(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  assert.equal(res.status, 200, `GET ${url} answered HTTP ${res.status}: ${text.slice(0, 200)}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/(.+\+)?json/, `GET ${url}: content-type ${res.headers.get('content-type')}`);
  return JSON.parse(text);
}

/**
 * Asking for a refresh token as OIDC Core §11 says: scope offline_access with
 * prompt=consent (a provider may otherwise ignore offline_access). A consent
 * page, should one come, is allowed by the person.
 */
const offlineAccess = { scope: 'openid email offline_access', extra: { prompt: 'consent' } };

function scopes(payload) {
  return String(payload.scope ?? '').split(' ').filter(Boolean);
}

// ---------------------------------------------------------------------------
describe('1. Discovery', () => {
  it('openid-client discovers the provider from the issuer with a client id and secret', async () => {
    const shop = registered('shop');
    // The documented one-liner, with the one option loopback http needs.
    const config = await client.discovery(new URL(env.issuer), shop.client_id, shop.client_secret, undefined, discoveryOptions);
    const m = config.serverMetadata();
    // Every problem at once, so one run shows all that is missing.
    const problems = [];
    const check = (ok, problem) => ok || problems.push(problem);
    check(m.issuer === env.issuer, `issuer ${JSON.stringify(m.issuer)} is not identical to the configured ${env.issuer} (OIDC Discovery §4.3)`);
    for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri', 'end_session_endpoint']) {
      check(typeof m[endpoint] === 'string' && URL.canParse(m[endpoint]), `no ${endpoint}`);
    }
    check(m.response_types_supported?.includes('code'), 'response_types_supported lacks "code"');
    check(m.code_challenge_methods_supported?.includes('S256'), 'code_challenge_methods_supported lacks "S256"');
    check(m.subject_types_supported?.length, 'no subject_types_supported (REQUIRED, OIDC Discovery §3)');
    check(m.id_token_signing_alg_values_supported?.includes('RS256'), 'id_token_signing_alg_values_supported lacks RS256 (OIDC Discovery §3)');
    // RFC 9207 §3: once advertised, openid-client insists on `iss` in every authorization response.
    check(m.authorization_response_iss_parameter_supported === true, 'authorization_response_iss_parameter_supported is not true (RFC 9207)');
    for (const grant of ['authorization_code', 'refresh_token', 'client_credentials']) {
      check(m.grant_types_supported?.includes(grant), `grant_types_supported lacks "${grant}"`);
    }
    const authMethods = m.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    check(authMethods.includes('client_secret_basic'), 'token_endpoint_auth_methods_supported lacks "client_secret_basic"');
    check(authMethods.includes('none'), 'token_endpoint_auth_methods_supported lacks "none" (public clients)');
    assert.deepEqual(problems, [], `the discovery metadata:\n${JSON.stringify(m, null, 1)}`);
  });

  it('/.well-known/oauth-authorization-server (RFC 8414) names the same issuer and endpoints', async () => {
    const oidc = await getJson(new URL('/.well-known/openid-configuration', env.issuer));
    const m = await getJson(new URL('/.well-known/oauth-authorization-server', env.issuer));
    assert.equal(m.issuer, env.issuer);
    for (const endpoint of ['authorization_endpoint', 'token_endpoint', 'jwks_uri']) {
      assert.equal(m[endpoint], oidc[endpoint], `${endpoint} differs between the two metadata documents`);
    }
  });

  it('the JWKS publishes public signing keys only, with kid, one of them RSA for RS256', async () => {
    const config = await configure('shop');
    const { keys } = await getJson(config.serverMetadata().jwks_uri);
    assert.ok(Array.isArray(keys) && keys.length > 0, 'the JWKS has no keys');
    for (const key of keys) {
      assert.ok(key.kid, `a key without kid: ${JSON.stringify(key)}`);
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) {
        assert.ok(!(secret in key), `the JWKS publishes private key material ("${secret}") of ${key.kid}`);
      }
    }
    assert.ok(keys.some((k) => k.kty === 'RSA' && (k.alg === undefined || k.alg === 'RS256')), `no RSA key for RS256: ${JSON.stringify(keys)}`);
  });
});

// ---------------------------------------------------------------------------
describe('2. Authorization code + PKCE + state + nonce, signing in with the form', () => {
  let config, request, flow, tokens, idClaims;

  it('a person who is not signed in is sent to the sign-in form, signs in, and comes back with code, state and iss', async () => {
    config = await configure('shop');
    request = await authorizationRequest(config, { scope: 'openid profile email' });
    const ada = person();
    const f = await authorizeToCallback(ada, request.url);
    const first = f.requests[0];
    assert.ok(first.status >= 300 && first.status < 400 && first.location, `the authorization request without a session should redirect to the sign-in page${trace(f)}`);
    const toLogin = f.locations.map((l) => new URL(l)).find((l) => l.pathname === '/login');
    assert.ok(toLogin, `no redirect to the sign-in page /login${trace(f)}`);
    assert.ok(toLogin.searchParams.get('return_to')?.startsWith('/'), `the sign-in redirect has no local return_to${trace(f)}`);
    assert.ok(f.loginShown, `the sign-in form was not shown${trace(f)}`);
    const fields = f.loginForm.fields.map((x) => x.name);
    for (const name of ['email', 'password', 'csrf_token', 'return_to']) {
      assert.ok(fields.includes(name), `the sign-in form lacks "${name}"; it has ${fields.join(', ')}`);
    }
    assert.ok(!f.consentShown, `a consent page was shown for a client registered with --skip-consent${trace(f)}`);
    const p = f.callback.searchParams;
    assert.equal(p.get('error'), null, `error in the authorization response: ${f.callback}`);
    assert.ok(p.get('code'), `no code in ${f.callback}`);
    assert.equal(p.get('state'), request.state, 'state is not the one sent');
    assert.equal(p.get('iss'), env.issuer, `iss (RFC 9207) missing or wrong in ${f.callback}`);
    assert.ok([302, 303].includes(f.status), `the redirect to the app is HTTP ${f.status}`);
    flow = f;
  });

  it('openid-client exchanges the code (client_secret_basic) and validates the ID token against the JWKS', async (t) => {
    if (!needs(t, flow)) return;
    // Checks the response's state and iss, then the ID token: signature (JWKS), iss, aud, azp, exp, iat, nonce.
    const got = await client.authorizationCodeGrant(config, flow.callback, { ...request.checks, idTokenExpected: true });
    assert.equal(got.token_type, 'bearer');
    assert.ok(got.expires_in > 0, `expires_in: ${got.expires_in}`);
    assert.ok(got.id_token, 'no id_token');
    const claims = got.claims();
    const shop = registered('shop');
    assert.equal(claims.iss, env.issuer);
    assert.ok([].concat(claims.aud).includes(shop.client_id), `aud ${JSON.stringify(claims.aud)}`);
    assert.equal(claims.nonce, request.nonce);
    assert.ok(claims.sub, 'no sub');
    assert.ok(claims.exp > now() && claims.iat <= now() + 5, `exp ${claims.exp} iat ${claims.iat}`);
    assert.equal(jose.decodeProtectedHeader(got.id_token).alg, 'RS256', 'ID tokens default to RS256 (OIDC Registration §2)');
    // Scope claims may be in the ID token too (OIDC Core §5.4); if they are, they must be right.
    const expected = { email: env.email, email_verified: true, given_name: 'Ada', family_name: 'Lovelace' };
    for (const [claim, value] of Object.entries(expected)) {
      if (claims[claim] !== undefined) assert.equal(claims[claim], value, `ID token claim ${claim}`);
    }
    tokens = got;
    idClaims = claims;
  });

  it('the access token is an RFC 9068 JWT for this person and app, verified with jose against the JWKS', async (t) => {
    if (!needs(t, tokens)) return;
    const { payload } = await verifyAccessToken(config, tokens.access_token);
    assert.equal(payload.sub, idClaims.sub, 'access token sub differs from the ID token sub');
    assert.equal(payload.client_id, registered('shop').client_id);
    assert.ok(scopes(payload).includes('openid'), `scope claim: ${payload.scope}`);
  });

  it('fetchUserInfo returns the same sub with email, email_verified, given_name and family_name', async (t) => {
    if (!needs(t, tokens, idClaims)) return;
    const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
    assert.equal(info.sub, idClaims.sub);
    assert.equal(info.email, env.email);
    assert.equal(info.email_verified, true);
    assert.equal(info.given_name, 'Ada');
    assert.equal(info.family_name, 'Lovelace');
  });
});

// ---------------------------------------------------------------------------
describe('3. Refresh tokens rotate, and a reused one is refused', () => {
  let config, first, second, idSub;

  it('with offline_access the code grant returns a refresh token', async () => {
    config = await configure('shop');
    const request = await authorizationRequest(config, offlineAccess);
    const f = await authorizeToCallback(person(), request.url);
    const got = await client.authorizationCodeGrant(config, f.callback, request.checks);
    assert.ok(got.refresh_token, `no refresh_token for scope offline_access: ${JSON.stringify(got)}`);
    idSub = got.claims()?.sub;
    first = got;
  });

  it('refreshTokenGrant returns a new access token and a NEW refresh token', async (t) => {
    if (!needs(t, first)) return;
    const got = await client.refreshTokenGrant(config, first.refresh_token);
    assert.ok(got.access_token, 'no access_token');
    assert.notEqual(got.access_token, first.access_token, 'the same access token came back');
    assert.ok(got.refresh_token, 'no refresh_token: refresh tokens must rotate on every use (DESIGN.md, Tokens)');
    assert.notEqual(got.refresh_token, first.refresh_token, 'the refresh token did not rotate');
    const info = await client.fetchUserInfo(config, got.access_token, idSub ?? client.skipSubjectCheck);
    assert.equal(info.email, env.email);
    second = got;
  });

  it('the old refresh token used again: invalid_grant', async (t) => {
    if (!needs(t, second)) return;
    const e = await failure(() => client.refreshTokenGrant(config, first.refresh_token), 'reusing a rotated refresh token');
    assert.equal(e.error, 'invalid_grant', JSON.stringify(e));
    assert.equal(e.status, 400, JSON.stringify(e));
  });

  it('that reuse revoked the whole family: the newer refresh token is refused too (DESIGN.md, Tokens)', async (t) => {
    if (!needs(t, second)) return;
    const e = await failure(() => client.refreshTokenGrant(config, second.refresh_token), 'the newest refresh token after a reuse of its predecessor');
    assert.equal(e.error, 'invalid_grant', JSON.stringify(e));
  });
});

// ---------------------------------------------------------------------------
describe('4. Single sign-on', () => {
  it('signed in for one app, the person gets a code for another app without the sign-in form', async () => {
    const ada = person();
    const shop = await configure('shop');
    const r1 = await authorizationRequest(shop, { scope: 'openid' });
    const f1 = await authorizeToCallback(ada, r1.url);
    assert.ok(f1.loginShown, `the first sign-in showed no form${trace(f1)}`);
    const t1 = await client.authorizationCodeGrant(shop, f1.callback, r1.checks);

    const forum = await configure('forum');
    const r2 = await authorizationRequest(forum, { scope: 'openid' });
    const f2 = await ada.follow(r2.url, { signIn: false });
    assert.ok(!f2.loginShown, `the sign-in form was shown again${trace(f2)}`);
    const { callback: back } = callbackOf(f2);
    assert.equal(back.searchParams.get('iss'), env.issuer);
    const t2 = await client.authorizationCodeGrant(forum, back, r2.checks);
    assert.ok([].concat(t2.claims().aud).includes(registered('forum').client_id));
    if (forum.serverMetadata().subject_types_supported?.includes('pairwise') !== true) {
      assert.equal(t2.claims().sub, t1.claims().sub, 'the same person has another sub at the second app (public subject type)');
    }
  });

  it('without the session cookie, the same request shows the sign-in form (the cookie is what signs in)', async () => {
    const forum = await configure('forum');
    const r = await authorizationRequest(forum, { scope: 'openid' });
    const f = await person().follow(r.url, { signIn: false });
    assert.equal(f.kind, 'page', `expected the sign-in page${trace(f)}`);
    assert.ok(f.requests.some((q) => q.location && new URL(q.location).pathname === '/login'), `not sent to /login${trace(f)}`);
  });
});

// ---------------------------------------------------------------------------
describe('5. Public client (token_endpoint_auth_method none, PKCE required)', () => {
  it('authorization code + PKCE S256 works without a client secret', async () => {
    const pub = registered('public');
    assert.ok(!pub.client_secret, `a public client got a secret: ${JSON.stringify(pub)}`);
    const config = await configure('public');
    const request = await authorizationRequest(config, { scope: 'openid email' });
    const f = await authorizeToCallback(person(), request.url);
    const tokens = await client.authorizationCodeGrant(config, f.callback, { ...request.checks, idTokenExpected: true });
    assert.ok([].concat(tokens.claims().aud).includes(pub.client_id));
    const info = await client.fetchUserInfo(config, tokens.access_token, tokens.claims().sub);
    assert.equal(info.email, env.email);
  });

  it('without PKCE the authorization fails with an error redirect: invalid_request, with state and iss', async () => {
    const config = await configure('public');
    const request = await authorizationRequest(config, { scope: 'openid', pkce: false });
    const f = await authorizeToCallback(person(), request.url);
    const p = f.callback.searchParams;
    assert.equal(p.get('error'), 'invalid_request', `expected error=invalid_request in ${f.callback}`);
    assert.equal(p.get('code'), null, 'a code was issued without PKCE');
    assert.equal(p.get('state'), request.state);
    assert.equal(p.get('iss'), env.issuer);
    const e = await failure(() => client.authorizationCodeGrant(config, f.callback, { expectedState: request.state }), 'the error response');
    assert.equal(e.kind, 'AuthorizationResponseError');
    assert.equal(e.error, 'invalid_request');
  });

  it('with code_challenge_method=plain it fails too: public clients must use S256 (RFC 7636 §4.4.1, DESIGN.md)', async () => {
    const config = await configure('public');
    const verifier = client.randomPKCECodeVerifier();
    const request = await authorizationRequest(config, {
      scope: 'openid',
      pkce: false,
      extra: { code_challenge: verifier, code_challenge_method: 'plain' },
    });
    const f = await authorizeToCallback(person(), request.url);
    assert.equal(f.callback.searchParams.get('error'), 'invalid_request', `expected error=invalid_request in ${f.callback}`);
    assert.equal(f.callback.searchParams.get('code'), null, 'a code was issued for a plain challenge');
  });
});

// ---------------------------------------------------------------------------
describe('6. Client credentials', () => {
  it('clientCredentialsGrant with scope api returns an at+jwt access token, verified against the JWKS', async () => {
    const service = registered('service');
    const config = await configure('service');
    const tokens = await client.clientCredentialsGrant(config, { scope: 'api' });
    assert.equal(tokens.token_type, 'bearer');
    assert.ok(tokens.expires_in > 0, `expires_in: ${tokens.expires_in}`);
    assert.equal(tokens.id_token, undefined, 'an ID token for a client credentials grant');
    const { header, payload } = await verifyAccessToken(config, tokens.access_token);
    assert.ok(header.kid, 'the access token header has no kid');
    assert.equal(payload.iss, env.issuer);
    assert.equal(payload.client_id, service.client_id);
    assert.deepEqual(scopes(payload), ['api'], `scope claim: ${JSON.stringify(payload.scope)}`);
    assert.equal(typeof payload.jti, 'string');
    assert.ok(payload.exp > now());
  });
});

// ---------------------------------------------------------------------------
describe('7. Consent (a client without --skip-consent)', () => {
  const ada = person(); // one person through the whole story
  let config, denied, allowed;

  it('a consent page lists what is asked; deny → error=access_denied with state and iss', async () => {
    config = await configure('consent');
    const request = await authorizationRequest(config, { scope: 'openid email' });
    const f = await authorizeToCallback(ada, request.url, { consent: 'deny' });
    assert.ok(f.consentShown, `no consent page for a client without --skip-consent${trace(f)}`);
    const consentFields = f.consentForm.fields.map((x) => x.name);
    assert.ok(consentFields.includes('csrf_token'), `the consent form has no csrf_token; it has ${consentFields.join(', ')}`);
    assert.equal(f.consentForm.method, 'post');
    assert.ok(f.consentPage.includes(registered('consent').name), `the consent page does not name the app: "${f.consentPage}"`);
    assert.match(f.consentPage, /e-?mail/i, `the consent page does not list the email scope: "${f.consentPage}"`);
    const p = f.callback.searchParams;
    assert.equal(p.get('error'), 'access_denied', `expected error=access_denied in ${f.callback}`);
    assert.equal(p.get('code'), null);
    assert.equal(p.get('state'), request.state);
    assert.equal(p.get('iss'), env.issuer);
    const e = await failure(() => client.authorizationCodeGrant(config, f.callback, request.checks), 'the denied response');
    assert.equal(e.error, 'access_denied');
    denied = true;
  });

  it('asked again, the person allows: a code, and tokens for it', async (t) => {
    if (!needs(t, denied)) return;
    const request = await authorizationRequest(config, { scope: 'openid email' });
    const f = await authorizeToCallback(ada, request.url, { consent: 'allow' });
    assert.ok(f.consentShown, `after a denial the consent page should be asked again${trace(f)}`);
    assert.ok(!f.loginShown, `signed in already, but the sign-in form came${trace(f)}`);
    assert.equal(f.callback.searchParams.get('iss'), env.issuer);
    const tokens = await client.authorizationCodeGrant(config, f.callback, request.checks);
    const info = await client.fetchUserInfo(config, tokens.access_token, tokens.claims().sub);
    assert.equal(info.email, env.email);
    allowed = true;
  });

  it('asked a third time, consent is remembered: a code without the consent page', async (t) => {
    if (!needs(t, allowed)) return;
    const request = await authorizationRequest(config, { scope: 'openid email' });
    const f = await ada.follow(request.url, { consent: 'stop' });
    assert.ok(!f.consentShown, `consent was asked again${trace(f)}`);
    await client.authorizationCodeGrant(config, callbackOf(f).callback, request.checks);
  });

  it('asking for more than was allowed (profile too) shows the consent page again', async (t) => {
    if (!needs(t, allowed)) return;
    const request = await authorizationRequest(config, { scope: 'openid email profile' });
    const f = await ada.follow(request.url, { consent: 'stop' });
    assert.ok(f.consentShown, `scope "profile" was granted without asking${trace(f)}`);
  });
});

// ---------------------------------------------------------------------------
describe('8. Errors', () => {
  let wrongSecret;

  it('a wrong client_secret at the token endpoint: 401 invalid_client', async () => {
    const config = await configure('service', { secret: 'not-the-secret' });
    const e = await failure(() => client.clientCredentialsGrant(config, { scope: 'api' }), 'a token request with a wrong secret');
    assert.equal(e.status, 401, JSON.stringify(e));
    assert.equal(e.error, 'invalid_client', JSON.stringify(e));
    wrongSecret = e;
  });

  it('…with a WWW-Authenticate challenge, since the client used HTTP Basic (RFC 6749 §5.2)', async (t) => {
    if (!needs(t, wrongSecret)) return;
    assert.ok(wrongSecret.wwwAuthenticate, `no WWW-Authenticate header on the 401: ${JSON.stringify(wrongSecret)}`);
  });

  it('a wrong client_secret when exchanging a real code: 401 invalid_client', async () => {
    const good = await configure('shop');
    const bad = await configure('shop', { secret: 'not-the-secret' });
    const request = await authorizationRequest(good, { scope: 'openid' });
    const f = await authorizeToCallback(person(), request.url);
    const e = await failure(() => client.authorizationCodeGrant(bad, f.callback, request.checks), 'a code exchange with a wrong secret');
    assert.equal(e.status, 401, JSON.stringify(e));
    assert.equal(e.error, 'invalid_client', JSON.stringify(e));
  });

  for (const signedIn of [false, true]) {
    it(`an unregistered redirect_uri (${signedIn ? 'signed in' : 'not signed in'}): an error page, no redirect to it`, async () => {
      const config = await configure('shop');
      const ada = person();
      if (signedIn) {
        const r = await authorizationRequest(config, { scope: 'openid' });
        await authorizeToCallback(ada, r.url);
      }
      const evil = new URL('/not-registered', env.redirectUri).href;
      const request = await authorizationRequest(config, { scope: 'openid', extra: { redirect_uri: evil } });
      const f = await ada.follow(request.url);
      const toEvil = f.locations.filter((l) => l.startsWith(evil));
      assert.deepEqual(toEvil, [], `the provider redirected to the unregistered URI${trace(f)}`);
      assert.equal(f.kind, 'page', `the provider redirected away instead of showing an error page${trace(f)}`);
      assert.ok(f.status >= 400, `the error page is HTTP ${f.status}${trace(f)}`);
    });
  }

  it('an unknown client_id: an error page, no redirect', async () => {
    const config = await configure('shop');
    const url = new URL(config.serverMetadata().authorization_endpoint);
    url.search = new URLSearchParams({
      client_id: 'no-such-client',
      response_type: 'code',
      redirect_uri: env.redirectUri,
      scope: 'openid',
      state: client.randomState(),
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    });
    const f = await person().follow(url);
    assert.equal(f.kind, 'page', `the provider redirected for an unknown client${trace(f)}`);
    assert.ok(f.status >= 400, `the error page is HTTP ${f.status}${trace(f)}`);
  });

  describe('a reused authorization code', () => {
    let config, request, f, firstTokens;

    it('the second exchange of a code: invalid_grant', async () => {
      config = await configure('shop');
      request = await authorizationRequest(config, offlineAccess);
      f = await authorizeToCallback(person(), request.url);
      const got = await client.authorizationCodeGrant(config, f.callback, request.checks);
      const e = await failure(() => client.authorizationCodeGrant(config, f.callback, request.checks), 'exchanging the same code twice');
      assert.equal(e.error, 'invalid_grant', JSON.stringify(e));
      assert.equal(e.status, 400, JSON.stringify(e));
      firstTokens = got;
    });

    it('the replay revoked what the code had issued: its access token no longer works at userinfo (RFC 6749 §4.1.2, DESIGN.md)', async (t) => {
      if (!needs(t, firstTokens)) return;
      const e = await failure(
        () => client.fetchUserInfo(config, firstTokens.access_token, client.skipSubjectCheck),
        'userinfo with an access token from a replayed code',
      );
      assert.equal(e.status, 401, JSON.stringify(e));
    });

    it('…nor its refresh token', async (t) => {
      if (!needs(t, firstTokens)) return;
      // The shop asked for offline_access, so a refresh token is due; without
      // one there is nothing to check, and that is a failure, not a skip.
      assert.ok(firstTokens.refresh_token, `no refresh_token for scope offline_access: ${JSON.stringify(firstTokens)}`);
      const e = await failure(() => client.refreshTokenGrant(config, firstTokens.refresh_token), 'a refresh token from a replayed code');
      assert.equal(e.error, 'invalid_grant', JSON.stringify(e));
    });
  });
});

// ---------------------------------------------------------------------------
describe('9. RP-initiated logout (end_session_endpoint)', () => {
  const ada = person();
  let config, loggedOut;

  it('buildEndSessionUrl with id_token_hint: the person is signed out and sent back with state', async () => {
    config = await configure('shop');
    const request = await authorizationRequest(config, { scope: 'openid' });
    const f = await authorizeToCallback(ada, request.url);
    const tokens = await client.authorizationCodeGrant(config, f.callback, request.checks);
    const state = client.randomState();
    const url = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token,
      post_logout_redirect_uri: env.postLogoutRedirectUri,
      state,
    });
    const out = await ada.follow(url, { confirm: true, signIn: false });
    assert.equal(out.kind, 'redirect', `logout did not return to the app${trace(out)}`);
    const back = out.location;
    assert.equal(back.origin + back.pathname, env.postLogoutRedirectUri, `logout redirected elsewhere${trace(out)}`);
    assert.equal(back.searchParams.get('state'), state, 'state not passed back (RP-Initiated Logout §3)');
    loggedOut = true;
  });

  it('afterwards, the next authorization asks the person to sign in again', async (t) => {
    if (!needs(t, loggedOut)) return;
    const request = await authorizationRequest(config, { scope: 'openid' });
    const f = await ada.follow(request.url, { signIn: false });
    assert.equal(f.kind, 'page', `still signed in after logout: a code came back${trace(f)}`);
    assert.ok(f.requests.some((q) => q.location && new URL(q.location).pathname === '/login'), `not sent to /login${trace(f)}`);
  });
});
