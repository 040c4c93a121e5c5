// Passkeys in a real browser: Chromium's virtual authenticator (the DevTools
// protocol's WebAuthn domain: a platform authenticator with user
// verification and resident keys) answers the pages' navigator.credentials
// calls. Runs against the upstream idp of run.sh, whose issuer is
// http://localhost:PORT: WebAuthn needs a host name, not an IP address.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { UPSTREAM, formatProblems, launch, newContext, problems, signIn, submit } from './lib/browser.mjs';

const EMAIL = process.env.E2E_PASSKEY_EMAIL || '';
const at = (path) => `${UPSTREAM.url}${path}`;
const pathOf = (page) => new URL(page.url()).pathname;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Clicks a passkey button and waits for the page the script goes on to. */
async function passkeyStep(page, kind, landing) {
  const button = page.locator(`button[data-passkey="${kind}"]`);
  await button.waitFor({ state: 'visible' });
  await Promise.all([page.waitForURL((u) => landing(u)), button.click()]);
}

async function logOut(page) {
  await page.goto(at('/logout'));
  await submit(page, page.locator('form[action="/logout"] button[type=submit]').first());
}

test('passkeys: add one, sign in with it alone, prove it after the password, remove it', { timeout: 90_000 }, async () => {
  assert.ok(EMAIL, 'run.sh makes the passkey account (E2E_PASSKEY_EMAIL)');
  const context = await newContext(browser, 'passkeys');
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });

    // Signed in with the password, the person adds a passkey on the security page.
    await page.goto(at('/login'));
    await signIn(page, EMAIL, UPSTREAM.password);
    assert.equal(pathOf(page), '/account');
    await page.goto(at('/account/security'));
    await page.locator('input[name=passkey_name]').fill('Test laptop');
    await passkeyStep(page, 'add', (u) => u.searchParams.get('notice') === 'passkey_added');
    assert.match(await page.locator('main').innerText(), /Test laptop, added/);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    assert.equal(credentials.length, 1, 'the authenticator holds one credential');
    assert.equal(credentials[0].isResidentCredential, true, 'a discoverable one');

    // Signed out, the passkey alone signs in (no address typed).
    await logOut(page);
    await page.goto(at('/login'));
    await passkeyStep(page, 'sign-in', (u) => u.pathname === '/account');
    assert.match(await page.locator('h1').innerText(), /My Profile/);

    // The password alone no longer does: the passkey is asked for next.
    await logOut(page);
    await page.goto(at('/login'));
    await signIn(page, EMAIL, UPSTREAM.password);
    assert.equal(pathOf(page), '/login/second-factor');
    // A mistyped recovery code first: the page comes back, passkey button and all.
    await page.locator('input[name=otp]').fill('0000-0000-0000-0000');
    const refusedCode = await submit(page, page.locator('form:has(input[name=otp]) button[type=submit]'));
    assert.equal(refusedCode?.status(), 422);
    await passkeyStep(page, 'verify', (u) => u.pathname === '/account');

    // Removed, it signs in no more, and the password is enough again.
    await page.goto(at('/account/security'));
    await submit(page, page.locator('form[action="/account/security/passkeys/remove"] button').first());
    assert.equal(new URL(page.url()).searchParams.get('notice'), 'passkey_removed');
    await logOut(page);
    await page.goto(at('/login'));
    const button = page.locator('button[data-passkey="sign-in"]');
    await button.click();
    await page.locator('.passkey-status').filter({ hasText: /could not be checked|not be checked/ }).waitFor();
    assert.equal(pathOf(page), '/login', 'still on the sign-in page');
    await signIn(page, EMAIL, UPSTREAM.password);
    assert.equal(pathOf(page), '/account');
  } finally {
    await context.close();
  }
  // The removed passkey's refusal (400) was the point; nothing else may show.
  const refused = (p) => p.kind === 'subresource' && /^400 \S+\/passkeys\/sign-in\/finish$/.test(p.text);
  const own = problems.filter((p) => p.label === 'passkeys' && !refused(p));
  assert.deepEqual(own, [], `problems reported by pages:\n${formatProblems(own)}`);
});
