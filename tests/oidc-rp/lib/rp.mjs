// The relying-party side: openid-client configured the way an app would
// configure it, from what run.sh registered (passed in the environment).

import * as client from 'openid-client';
import { Person } from './browser.mjs';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the suite through tests/oidc-rp/run.sh`);
  return value;
}

export const env = {
  get issuer() {
    return required('OIDC_RP_ISSUER');
  },
  get redirectUri() {
    return required('OIDC_RP_REDIRECT_URI');
  },
  get postLogoutRedirectUri() {
    return required('OIDC_RP_POST_LOGOUT_REDIRECT_URI');
  },
  get email() {
    return required('OIDC_RP_EMAIL');
  },
  get password() {
    return required('OIDC_RP_PASSWORD');
  },
};

/**
 * A registered client as `idp client create --json` printed it. run.sh puts
 * `{ name: <that JSON> }` in OIDC_RP_CLIENTS and, for a client whose
 * registration failed, `{ name: { "registration_error": "…" } }`.
 */
export function registered(name) {
  const all = JSON.parse(required('OIDC_RP_CLIENTS'));
  const c = all[name];
  if (!c) throw new Error(`no client "${name}" in OIDC_RP_CLIENTS`);
  if (c.registration_error) {
    throw new Error(`client "${name}" could not be registered with \`idp client create\`: ${c.registration_error}`);
  }
  if (typeof c.client_id !== 'string' || !c.client_id) {
    throw new Error(`\`idp client create --json\` for "${name}" printed no client_id: ${JSON.stringify(c)}`);
  }
  return c;
}

const discoveryOptions = {
  // The issuer is plain http on loopback; openid-client refuses that unless told.
  execute: [client.allowInsecureRequests],
  timeout: 10,
};

/**
 * openid-client's Configuration for a registered client, by discovery.
 * Confidential clients authenticate with client_secret_basic (the default
 * method of OpenID Connect Registration §2); public ones with "none".
 */
export async function configure(name, { secret } = {}) {
  const c = registered(name);
  const clientSecret = secret ?? c.client_secret;
  if (clientSecret) {
    return client.discovery(
      new URL(env.issuer),
      c.client_id,
      { client_secret: clientSecret, token_endpoint_auth_method: 'client_secret_basic' },
      client.ClientSecretBasic(clientSecret),
      discoveryOptions,
    );
  }
  return client.discovery(
    new URL(env.issuer),
    c.client_id,
    { token_endpoint_auth_method: 'none' },
    client.None(),
    discoveryOptions,
  );
}

export { discoveryOptions };

/** A new person (empty cookie jar) who knows the test account's credentials. */
export function person() {
  return new Person({ opOrigin: env.issuer, email: env.email, password: env.password });
}

/**
 * An authorization request as an app makes it: PKCE S256, state, nonce.
 * Returns the URL and the values the app keeps in its session.
 */
export async function authorizationRequest(config, { scope = 'openid', pkce = true, extra = {} } = {}) {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const parameters = { redirect_uri: env.redirectUri, scope, state, nonce, ...extra };
  if (pkce) {
    parameters.code_challenge = await client.calculatePKCECodeChallenge(codeVerifier);
    parameters.code_challenge_method = 'S256';
  }
  const url = client.buildAuthorizationUrl(config, parameters);
  return { url, checks: { pkceCodeVerifier: pkce ? codeVerifier : undefined, expectedState: state, expectedNonce: nonce }, state, nonce };
}

/** What a flow did, for assertion messages. */
export function trace(flow) {
  return `\n  steps:\n    ${flow.steps.join('\n    ')}${flow.kind === 'page' ? `\n  last page (HTTP ${flow.status}): "${flow.text.slice(0, 300)}"` : ''}`;
}

/**
 * Runs an authorization request to its end and requires that it comes back
 * to the app's redirect URI; returns the flow with `callback` (a URL).
 */
export async function authorizeToCallback(who, url, options) {
  return callbackOf(await who.follow(url, options));
}

/** Requires that a flow ended in a redirect to the app's redirect URI; adds `callback`. */
export function callbackOf(flow) {
  if (flow.kind !== 'redirect') {
    throw new Error(`the authorization did not come back to the app${trace(flow)}`);
  }
  const expected = new URL(env.redirectUri);
  const got = flow.location;
  if (got.origin + got.pathname !== expected.origin + expected.pathname) {
    throw new Error(`the authorization redirected to ${got.href}, not to the registered ${env.redirectUri}${trace(flow)}`);
  }
  return { ...flow, callback: got };
}

/**
 * The OAuth error of a failed openid-client call: { status, error,
 * error_description, wwwAuthenticate, kind }. A 401 with a WWW-Authenticate
 * challenge comes from openid-client as WWWAuthenticateChallengeError with
 * the response body unread; the body's error is read from it here.
 */
export async function oauthError(err) {
  if (err instanceof client.ResponseBodyError) {
    return {
      kind: err.name,
      status: err.status,
      error: err.error,
      error_description: err.error_description,
      wwwAuthenticate: err.response?.headers.get('www-authenticate') ?? null,
    };
  }
  if (err instanceof client.WWWAuthenticateChallengeError) {
    let body = {};
    try {
      body = await err.response.json();
    } catch {}
    const challenge = err.cause?.[0]?.parameters ?? {};
    return {
      kind: err.name,
      status: err.status,
      error: body.error ?? challenge.error,
      error_description: body.error_description ?? challenge.error_description,
      wwwAuthenticate: err.response.headers.get('www-authenticate'),
    };
  }
  if (err instanceof client.AuthorizationResponseError) {
    return { kind: err.name, status: undefined, error: err.error, error_description: err.error_description };
  }
  return { kind: err?.name ?? typeof err, status: undefined, error: undefined, message: String(err?.message ?? err), cause: err?.cause };
}

/** Calls `fn`, requires it to fail, and returns oauthError() of the failure. */
export async function failure(fn, what) {
  let result;
  try {
    result = await fn();
  } catch (err) {
    return oauthError(err);
  }
  throw new Error(`${what} should have failed, but succeeded: ${JSON.stringify(result)?.slice(0, 300)}`);
}

export { client };
