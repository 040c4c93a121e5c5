// Pages for everyone: every page a person can reach, checked with axe-core
// (WCAG 2.0/2.1 A and AA, WCAG 2.2 AA) in English and Romanian, at desktop
// (1280x800) and phone (320x640) sizes, with no sideways scrolling on the
// phone; signing up and in with the keyboard alone; a browser that refuses
// cookies; and an app's `ui_locales=ro`. Started by tests/e2e/run.sh.
//
// With SCREENSHOTS_DIR set, a viewport screenshot of each page is saved
// there as <page>-<lang>-<desktop|phone>.png (docs/screenshots/ holds them).

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import axe from 'axe-core';
import * as OTPAuth from 'otpauth';
import { chromium } from 'playwright-core';

import {
  BASE_URL,
  CHROMIUM,
  LAUNCH_ARGS,
  OUTBOX,
  formatProblems,
  launch,
  newContext,
  newPerson,
  problems,
  strongPassword,
  submit,
  url,
  waitForRobotCheck,
  watchPage,
} from './lib/browser.mjs';
import { waitForMail } from './lib/mail.mjs';

const AXE_OPTIONS = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
  resultTypes: ['violations'],
};
const SIZES = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 320, height: 640 },
};
/** Each language the pages are checked in, and the browser locale that asks for it. */
const LANGS = { en: 'en-GB', ro: 'ro-RO' };
const SCREENSHOTS = process.env.SCREENSHOTS_DIR || '';
/** The client run.sh registered at idp (consent asked), for the authorization requests. */
const CLIENT_ID = process.env.E2E_CLIENT_ID || '';
const CLIENT_REDIRECT_URI = process.env.E2E_CLIENT_REDIRECT_URI || '';

const here = dirname(fileURLToPath(import.meta.url));
const catalogs = {};

/**
 * A one-line message of a Fluent catalog (crates/idp-core/src/i18n/LANG.ftl),
 * with `{ $product }` filled in as the server names itself (it runs unbranded).
 */
async function ftl(lang, key) {
  catalogs[lang] ??= await readFile(join(here, '../../crates/idp-core/src/i18n', `${lang}.ftl`), 'utf8');
  const m = catalogs[lang].match(new RegExp(`^${key.replace(/[.-]/g, '\\$&')} = (.+)$`, 'm'));
  assert.ok(m, `${lang}.ftl has a one-line message ${key}`);
  const text = m[1].trim().replaceAll('{ $product }', 'idp');
  assert.ok(!text.includes('{'), `${key} has a placeholder the test does not fill: ${text}`);
  return text;
}

let browser;
const mailSeen = new Set();

before(async () => {
  browser = await launch();
  if (SCREENSHOTS) await mkdir(SCREENSHOTS, { recursive: true });
});

after(async () => {
  await browser?.close();
});

const path = (page) => new URL(page.url()).pathname;

/**
 * The code an authenticator app (otpauth, not idp's code) shows for the key
 * on a set-up page, `steps` periods from now: one step ahead is accepted, and
 * a code is good once, so a second sign-in uses the next one.
 */
async function appCode(secretText, steps = 0) {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secretText.replaceAll(' ', '')) });
  return totp.generate({ timestamp: Date.now() + steps * 30_000 });
}

/** axe-core's violations on the page as it is now. */
async function axeViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    // Evaluated through the DevTools protocol: the page's CSP does not apply.
    await page.evaluate(axe.source);
  }
  return page.evaluate((options) => window.axe.run(document, options), AXE_OPTIONS);
}

/** Violations as a person reads them: rule, impact, what to do, and where. */
function formatViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => {
          const why = (n.failureSummary || '').replace(/\s*\n\s*/g, ' ');
          return `      at ${n.target.join(' ')}\n        ${n.html.slice(0, 200)}\n        ${why}`;
        })
        .join('\n');
      return `    ${v.id} (${v.impact}): ${v.help}\n      ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

/**
 * Checks the page in front of the browser at both sizes: its language, no
 * axe violation, no sideways scrolling at 320 px; saves the screenshots.
 * Findings go to `report` (so one run lists every page's problems).
 */
async function check(page, report, name, lang) {
  assert.equal(await page.locator('html').getAttribute('lang'), lang, `${name}: <html lang=${lang}> at ${page.url()}`);
  // axe 4.x no longer counts duplicate ids under WCAG; labels and the error
  // summary's links still need them unique.
  const duplicates = await page.evaluate(() => {
    const counts = new Map();
    for (const el of document.querySelectorAll('[id]')) counts.set(el.id, (counts.get(el.id) ?? 0) + 1);
    return [...counts].filter(([, n]) => n > 1).map(([id, n]) => `#${id} ×${n}`);
  });
  if (duplicates.length) report.push(`${name} (${lang}) at ${page.url()}: duplicate ids ${duplicates.join(', ')}`);
  for (const [size, viewport] of Object.entries(SIZES)) {
    await page.setViewportSize(viewport);
    const { violations } = await axeViolations(page);
    if (violations.length) {
      report.push(`${name} (${lang}, ${size}) at ${page.url()}:\n${formatViolations(violations)}`);
    }
    if (size === 'phone') {
      const layout = await page.evaluate(() => ({
        innerWidth: window.innerWidth,
        scrollWidth: document.documentElement.scrollWidth,
        bodyScrollWidth: document.body.scrollWidth,
      }));
      if (layout.innerWidth !== viewport.width || layout.scrollWidth > layout.innerWidth) {
        report.push(`${name} (${lang}, phone) at ${page.url()}: scrolls sideways ${JSON.stringify(layout)}`);
      }
    }
    if (SCREENSHOTS) {
      // Where the page put the focus (an error summary) is what the reader sees.
      await page.evaluate(() => {
        const f = document.activeElement;
        window.scrollTo(0, 0);
        if (f && f !== document.body) f.scrollIntoView({ block: 'center' });
      });
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-${lang}-${size}.png`) });
    }
  }
  await page.setViewportSize(SIZES.desktop);
}

/** The form posting to `action` (the first, or the one with a hidden `action` value). */
function form(page, action, value) {
  const f = page.locator(`form[action="${action}"]`);
  return value ? f.filter({ has: page.locator(`input[name=action][value=${value}]`) }) : f.first();
}

const send = (page, f) => submit(page, f.locator('button[type=submit]').first());

async function fillSignUp(f, person, { password = person.password, confirm = password } = {}) {
  if ((await f.locator('input[name=email]').count()) > 0) await f.locator('input[name=email]').fill(person.email);
  await f.locator('input[name=password]').fill(password);
  await f.locator('input[name=password_confirm]').fill(confirm);
  await f.locator('input[name=given_name]').fill(person.givenName);
  await f.locator('input[name=family_name]').fill(person.familyName);
  await f.locator('input[name=birthdate]').fill(person.birthdate);
}

/** A link of `kind` (verify-email, unsubscribe, …) in the next matching mail not read yet. */
async function mailedLink(to, subject, kind) {
  const mail = await waitForMail(OUTBOX, { to, subject, seen: mailSeen });
  const link = mail.text.match(new RegExp(`https?://\\S+/${kind}\\?token=[^\\s<>"]+`))?.[0];
  assert.ok(link?.startsWith(BASE_URL), `the mail "${mail.subject}" has a ${kind} link:\n${mail.text}`);
  return link;
}

/** An authorization request of the registered client (PKCE S256). */
function authorizeUrl(extra = {}) {
  assert.ok(CLIENT_ID && CLIENT_REDIRECT_URI, 'run.sh registers a client (E2E_CLIENT_ID, E2E_CLIENT_REDIRECT_URI)');
  const verifier = randomBytes(32).toString('base64url');
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: CLIENT_REDIRECT_URI,
    scope: 'openid email profile',
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  });
  return url(`/authorize?${params}`);
}

/**
 * Every page a person reaches, in `lang`: sign-in and sign-up (with and
 * without errors), the emailed links, the forgotten-password steps, My
 * Profile, My Company, an app's consent, logging out, an invitation, and
 * the error page.
 */
async function tour(lang) {
  const report = [];
  const person = newPerson('Ada', 'Lovelace');
  const colleague = newPerson('Grace', 'Hopper');
  const context = await newContext(browser, `a11y-${lang}`, { locale: LANGS[lang], viewport: SIZES.desktop });
  try {
    const page = await context.newPage();
    const at = (name) => check(page, report, name, lang);
    const status = async (res, expected, what) =>
      assert.equal(res?.status(), expected, `${what}: HTTP ${res?.status()}; page says: ${await page.locator('main').innerText()}`);

    // Sign-up: the empty form, the form with errors, the "check your email" page.
    await page.goto(url('/signup'));
    await at('signup');
    let f = form(page, '/signup');
    await fillSignUp(f, person, { password: 'short', confirm: 'different' });
    await waitForRobotCheck(f);
    let res = await send(page, f);
    assert.ok(res?.status() >= 400 && res?.status() < 500, `a bad sign-up is refused (HTTP ${res?.status()})`);
    assert.equal(await page.locator('.error-summary').count(), 1, 'the refused sign-up lists its problems');
    await at('signup-errors');
    f = form(page, '/signup');
    await fillSignUp(f, person);
    await f.locator('input[name=marketing_opt_in]').check();
    await waitForRobotCheck(f);
    await status(await send(page, f), 200, 'sign-up');
    await at('signup-done');
    const verifySubject = await ftl(lang, 'email-verify-subject');
    await mailedLink(person.email, verifySubject, 'verify-email');

    // Signing in before the address is verified offers the link again.
    await page.goto(url('/login'));
    await at('login');
    f = form(page, '/login');
    await f.locator('input[name=email]').fill(person.email);
    await f.locator('input[name=password]').fill(person.password);
    res = await send(page, f);
    assert.equal(await page.locator('form[action="/verify-email/resend"]').count(), 1, `unverified: resend offered (HTTP ${res?.status()})`);
    await at('login-unverified');
    await status(await send(page, form(page, '/verify-email/resend')), 200, 'resend');
    await at('resend-done');
    const verify = await mailedLink(person.email, verifySubject, 'verify-email');

    // A link that does not work: the page to have it sent again.
    await page.goto(url('/verify-email?token=no-such-token'));
    res = await send(page, form(page, '/verify-email'));
    assert.ok(res?.status() >= 400, `a bad verification link is refused (HTTP ${res?.status()})`);
    assert.equal(await form(page, '/verify-email/resend').count(), 1, 'the refused link offers a new one');
    await at('verify-email-invalid');

    // The emailed link, then the welcome mail's unsubscribe link.
    await page.goto(verify);
    await at('verify-email');
    await status(await send(page, form(page, '/verify-email')), 200, 'verification');
    assert.equal(path(page), '/login');
    await at('login-verified');
    const unsubscribe = await mailedLink(person.email, await ftl(lang, 'email-welcome-subject'), 'unsubscribe');
    await page.goto(unsubscribe);
    await at('unsubscribe');
    await status(await send(page, page.locator('main form').first()), 200, 'unsubscribe');
    await at('unsubscribe-done');

    // A wrong password: the form-wide error.
    await page.goto(url('/login'));
    f = form(page, '/login');
    await f.locator('input[name=email]').fill(person.email);
    await f.locator('input[name=password]').fill('Wrong-password-1');
    await status(await send(page, f), 401, 'wrong password');
    await at('login-errors');
    f = form(page, '/login');
    await f.locator('input[name=password]').fill(person.password);
    await status(await send(page, f), 200, 'sign-in');
    assert.equal(path(page), '/account');
    await at('account');

    // My Profile with a refused change: the error summary in its section.
    f = form(page, '/account/password');
    await f.locator('input[name=current_password]').fill('Wrong-password-1');
    const newPassword = strongPassword();
    await f.locator('input[name=new_password]').fill(newPassword);
    await f.locator('input[name=new_password_confirm]').fill(newPassword);
    res = await send(page, f);
    assert.ok(res?.status() >= 400, `a wrong current password is refused (HTTP ${res?.status()})`);
    assert.equal(await page.locator('.error-summary').count(), 1);
    await at('account-errors');

    // Sign-in security: the authenticator app's set-up (QR code), a wrong
    // first code, the recovery codes shown once.
    await page.goto(url('/account/security'));
    await at('security');
    await page.goto(url('/account/security/app'));
    assert.equal(await page.locator('div.qr svg').count(), 1, 'the QR code is drawn');
    await at('security-app');
    const secret = await page.locator('code.secret').innerText();
    f = form(page, '/account/security/app');
    await f.locator('input[name=otp]').fill('000000');
    assert.equal((await send(page, f))?.status(), 422, 'a wrong first code is refused');
    await at('security-app-errors');
    f = form(page, '/account/security/app');
    await f.locator('input[name=otp]').fill(await appCode(secret));
    await status(await send(page, f), 200, 'app set up');
    assert.equal(await page.locator('ul.codes li').count(), 10, 'ten recovery codes');
    await at('recovery-codes');
    await page.goto(url('/account'));

    // A new primary address: the confirmation link.
    const newEmail = newPerson().email;
    f = form(page, '/account/email');
    await f.locator('input[name=new_email]').fill(newEmail);
    await f.locator('input[name=current_password]').fill(person.password);
    await status(await send(page, f), 200, 'email change');
    await page.goto(await mailedLink(newEmail, await ftl(lang, 'email-email_change_confirm-subject'), 'email/confirm'));
    await at('email-confirm');

    // My Company: none yet, one made, its colleagues with an invitation.
    await page.goto(url('/company'));
    await at('company-none');
    f = form(page, '/company/do', 'create');
    await f.locator('input[name=name]').fill('Acme Partners');
    await status(await send(page, f), 200, 'organization');
    await at('company');
    const org = new URL(page.url()).searchParams.get('org');
    assert.ok(org, `on the organization's page (${page.url()})`);
    await page.goto(url(`/company/colleagues?org=${encodeURIComponent(org)}`));
    f = form(page, '/company/do', 'invite');
    await f.locator('input[name=email]').fill(colleague.email);
    await status(await send(page, f), 200, 'invitation');
    await at('colleagues');
    const invitation = await mailedLink(colleague.email, /Acme Partners/, 'invitation');

    // An app asks for the account: the consent page.
    await page.goto(authorizeUrl());
    assert.equal(await page.locator('form[action="/authorize/consent"]').count(), 1, `consent asked (at ${page.url()})`);
    await at('consent');

    // Log out.
    await page.goto(url('/logout'));
    await at('logout');
    await status(await send(page, form(page, '/logout')), 200, 'log out');

    // Signing in again: the password, then the app's code.
    await page.goto(url('/login'));
    f = form(page, '/login');
    await f.locator('input[name=email]').fill(person.email);
    await f.locator('input[name=password]').fill(person.password);
    await status(await send(page, f), 200, 'password');
    assert.equal(path(page), '/login/second-factor');
    await at('second-factor');
    f = page.locator('main form').first();
    await f.locator('input[name=otp]').fill(await appCode(secret, 1));
    await status(await send(page, f), 200, 'second factor');
    assert.equal(path(page), '/account');
    await page.goto(url('/logout'));
    await status(await send(page, form(page, '/logout')), 200, 'log out again');

    // The invitation, signed out; a link that does not work.
    await page.goto(invitation);
    assert.equal(await form(page, '/invitation/signup').count(), 1, 'the invitation offers an account');
    await at('invitation');
    res = await page.goto(url('/invitation?token=no-such-invitation'));
    assert.ok(res?.status() >= 400, `a bad invitation link is an error (HTTP ${res?.status()})`);
    await at('error');

    // Forgotten password: email, code, new password.
    await page.goto(url('/password/forgot'));
    await at('forgot');
    f = form(page, '/password/forgot');
    await f.locator('input[name=email]').fill(person.email);
    await waitForRobotCheck(f);
    await status(await send(page, f), 200, 'reset code');
    await at('forgot-code');
    const mail = await waitForMail(OUTBOX, { to: person.email, subject: await ftl(lang, 'email-reset_code-subject'), seen: mailSeen });
    const code = mail.text.match(/^[ \t]*(\d{8})[ \t]*$/m)?.[1];
    assert.ok(code, `the email carries a code:\n${mail.text}`);
    f = form(page, '/password/forgot/code');
    await f.locator('input[name=code]').fill(code);
    await status(await send(page, f), 200, 'code');
    await at('forgot-new');
  } finally {
    await context.close();
  }
  return report;
}

for (const lang of Object.keys(LANGS)) {
  test(`every page in ${lang}, desktop and phone: no axe violation, no sideways scrolling`, { timeout: 240_000 }, async () => {
    const report = await tour(lang);
    if (report.length) assert.fail(`${report.length} page checks failed:\n\n${report.join('\n\n')}\n`);
    const own = problems.filter((p) => p.label === `a11y-${lang}`);
    assert.deepEqual(own, [], `problems reported by pages:\n${formatProblems(own)}`);
  });
}

// ---------------------------------------------------------------------------
// Keyboard only: no clicks, no fill.

/** What has the keyboard focus. */
function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    return {
      tag: e?.tagName.toLowerCase() ?? null,
      id: e?.id ?? '',
      name: e?.getAttribute('name') ?? '',
      type: e?.getAttribute('type') ?? '',
      classes: e ? [...e.classList] : [],
      text: (e?.innerText ?? '').trim().slice(0, 80),
      form: e?.form?.getAttribute('action') ?? null,
    };
  });
}

/** Presses Tab until `wanted(focus)` holds (at most `max` times). */
async function tabTo(page, what, wanted, max = 40) {
  const path = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (wanted(f)) return f;
    path.push(`${f.tag}${f.id ? `#${f.id}` : ''}${f.name ? `[name=${f.name}]` : ''} ${f.text}`.trim());
  }
  assert.fail(`Tab never reached ${what}; it went through:\n  ${path.join('\n  ')}`);
}

const field = (name, action) => (f) => f.name === name && (!action || f.form === action);
const submitOf = (action) => (f) => f.tag === 'button' && f.type === 'submit' && f.form === action;

/** Presses a key and waits for the page the server answers with. */
async function pressAndWait(page, key) {
  let last = null;
  const onResponse = (res) => {
    if (res.request().isNavigationRequest() && res.frame() === page.mainFrame()) last = res;
  };
  page.on('response', onResponse);
  try {
    await Promise.all([page.waitForEvent('load'), page.keyboard.press(key)]);
  } finally {
    page.off('response', onResponse);
  }
  return last;
}

/**
 * Types a date into the focused date input, field by field. The order of
 * its fields (day, month, year) follows the browser's own locale, so a
 * first try with day 1 and month 2 shows which it is; then the real date
 * is typed over it.
 */
async function typeDate(page, iso) {
  await page.keyboard.type('01021999');
  const probe = await page.evaluate(() => document.activeElement.value);
  const order = { '1999-02-01': 'dmy', '1999-01-02': 'mdy' }[probe];
  assert.ok(order, `a date typed as 01 02 1999 reads ${probe}`);
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Shift+Tab');
  const [y, m, d] = iso.split('-');
  await page.keyboard.type(order === 'dmy' ? `${d}${m}${y}` : `${m}${d}${y}`);
}

test('keyboard only: skip link, sign up (with a failed try), verify, sign in', { timeout: 120_000 }, async () => {
  const person = newPerson('Alan', 'Turing');
  const context = await newContext(browser, 'keyboard', { viewport: SIZES.desktop });
  try {
    const page = await context.newPage();
    await page.goto(url('/signup'));

    // The skip link is the first Tab stop, and takes focus to the content.
    await page.keyboard.press('Tab');
    const first = await focused(page);
    assert.ok(first.classes.includes('skip'), `the first Tab stop is the skip link (got ${JSON.stringify(first)})`);
    assert.equal(await page.locator('.skip').evaluate((a) => a.getBoundingClientRect().top >= 0), true, 'the focused skip link is on screen');
    await page.keyboard.press('Enter');
    assert.equal((await focused(page)).id, 'main', 'the skip link moves focus to <main>');

    // A first try with passwords that do not match.
    await tabTo(page, 'the email field', field('email', '/signup'));
    await page.keyboard.type(person.email);
    await tabTo(page, 'the password field', field('password', '/signup'));
    await page.keyboard.type(person.password);
    await tabTo(page, 'the confirmation field', field('password_confirm', '/signup'));
    await page.keyboard.type(`${person.password}-not`);
    await tabTo(page, 'the marketing box', field('marketing_opt_in', '/signup'));
    await page.keyboard.press('Space');
    await tabTo(page, 'the first name', field('given_name', '/signup'));
    await page.keyboard.type(person.givenName);
    await tabTo(page, 'the last name', field('family_name', '/signup'));
    await page.keyboard.type(person.familyName);
    await tabTo(page, 'the date of birth', field('birthdate', '/signup'));
    await typeDate(page, person.birthdate);
    const signup = page.locator('form[action="/signup"]');
    assert.equal(await signup.locator('input[name=birthdate]').inputValue(), person.birthdate, 'the date typed digit by digit');
    assert.equal(await signup.locator('input[name=marketing_opt_in]').isChecked(), true, 'Space ticks the box');
    await waitForRobotCheck(signup);
    await tabTo(page, 'the Create account button', submitOf('/signup'));
    let res = await pressAndWait(page, 'Enter');
    assert.ok(res?.status() >= 400 && res?.status() < 500, `refused (HTTP ${res?.status()})`);

    // Focus is on the list of problems; its link leads to the field.
    const summary = await focused(page);
    assert.ok(summary.classes.includes('error-summary'), `after the failed submit, focus is on the error summary (got ${JSON.stringify(summary)})`);
    const link = await tabTo(page, "the summary's link", (f) => f.tag === 'a', 3);
    await page.keyboard.press('Enter');
    assert.deepEqual(
      await focused(page).then((f) => [f.form, f.name]),
      ['/signup', 'password_confirm'],
      `the summary's link "${link.text}" moves focus to the confirmation field`,
    );
    // The passwords come back empty: one field back, type both again.
    await page.keyboard.press('Shift+Tab');
    assert.equal((await focused(page)).name, 'password');
    await page.keyboard.type(person.password);
    await tabTo(page, 'the confirmation field', field('password_confirm', '/signup'));
    await page.keyboard.type(person.password);
    await waitForRobotCheck(signup);
    await tabTo(page, 'the Create account button', submitOf('/signup'));
    res = await pressAndWait(page, 'Enter');
    assert.equal(res?.status(), 200, `signed up; page says: ${await page.locator('main').innerText()}`);
    assert.equal(await page.locator('h1').innerText(), 'Check your email');

    // The emailed link: its button, by keyboard.
    await page.goto(await mailedLink(person.email, 'Activate your account', 'verify-email'));
    await tabTo(page, 'the Verify button', submitOf('/verify-email'));
    res = await pressAndWait(page, 'Enter');
    assert.equal(res?.status(), 200);
    assert.equal(path(page), '/login');

    // Sign in: Enter in the password field sends the form.
    await tabTo(page, 'the email field', field('email', '/login'));
    await page.keyboard.type(person.email);
    await tabTo(page, 'the password field', field('password', '/login'), 2);
    await page.keyboard.type(person.password);
    res = await pressAndWait(page, 'Enter');
    assert.equal(res?.status(), 200, `signed in; page says: ${await page.locator('main').innerText()}`);
    assert.equal(path(page), '/account');
    assert.equal(await page.locator('h1').innerText(), 'My Profile');
  } finally {
    await context.close();
  }
  const own = problems.filter((p) => p.label === 'keyboard');
  assert.deepEqual(own, [], `problems reported by pages:\n${formatProblems(own)}`);
});

// ---------------------------------------------------------------------------
// Cookies off: Chromium's own "block all cookies" setting, in a profile of
// its own (a Preferences file written before launch): the browser then
// neither stores the server's cookies nor lets script set any.

test('cookies off: the notice shows, and signing in gets the plain-words 403', { timeout: 60_000 }, async () => {
  const profile = await mkdtemp(join(tmpdir(), 'idp-e2e-nocookies-'));
  let context;
  try {
    await mkdir(join(profile, 'Default'));
    await writeFile(
      join(profile, 'Default', 'Preferences'),
      JSON.stringify({ profile: { default_content_setting_values: { cookies: 2 } } }),
    );
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: LAUNCH_ARGS,
      locale: 'en-GB',
      viewport: SIZES.desktop,
    });
    context.setDefaultTimeout(15_000);
    const page = context.pages()[0] ?? (await context.newPage());
    watchPage(page, 'cookies-off');
    for (const pagePath of ['/login', '/signup']) {
      const res = await page.goto(url(pagePath));
      assert.equal(res?.status(), 200);
      const notice = page.locator('.cookies-off');
      assert.equal(await notice.isVisible(), true, `${pagePath}: the cookies-off notice shows`);
      assert.match(await notice.innerText(), /Cookies are turned off/);
      const { violations } = await axeViolations(page);
      assert.deepEqual(violations, [], `${pagePath} with the notice:\n${formatViolations(violations)}`);
    }
    assert.deepEqual(await context.cookies(), [], 'the browser kept no cookie');

    await page.goto(url('/login'));
    const f = form(page, '/login');
    await f.locator('input[name=email]').fill('someone@example.test');
    await f.locator('input[name=password]').fill('Whatever-123');
    const res = await send(page, f);
    assert.equal(res?.status(), 403);
    assert.equal(await page.locator('h1').innerText(), 'Something went wrong');
    // The page's own message (the cookies-off notice above it shows too).
    assert.match(await page.locator('main p.alert[role=alert]').innerText(), /^Your browser is refusing cookies\. Signing in needs cookies/);
    assert.equal(await page.locator('.cookies-off').isVisible(), true);
    if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, 'cookies-off-en-desktop.png') });
  } finally {
    await context?.close();
    await rm(profile, { recursive: true, force: true });
  }
  const own = problems.filter((p) => p.label === 'cookies-off');
  assert.deepEqual(own, [], `problems reported by pages:\n${formatProblems(own)}`);
});

// ---------------------------------------------------------------------------
// An app asks for Romanian.

test('ui_locales=ro: a Romanian sign-in page, and a Romanian verification email', { timeout: 60_000 }, async () => {
  const person = newPerson('Ana', 'Aslan');
  const context = await newContext(browser, 'ui-locales', { locale: 'en-GB', viewport: SIZES.desktop });
  try {
    const page = await context.newPage();
    await page.goto(authorizeUrl({ ui_locales: 'ro en' }));
    assert.equal(path(page), '/login', `the app's request sends to the sign-in page (at ${page.url()})`);
    assert.equal(await page.locator('html').getAttribute('lang'), 'ro');
    assert.equal(await page.locator('h1').innerText(), await ftl('ro', 'page-login-title'));

    // "Create an account" on that page: still Romanian.
    await page.locator('main a[href^="/signup"]').click();
    await page.waitForURL((u) => u.pathname === '/signup');
    assert.equal(await page.locator('html').getAttribute('lang'), 'ro');
    const f = form(page, '/signup');
    await fillSignUp(f, person);
    await waitForRobotCheck(f);
    const res = await send(page, f);
    assert.equal(res?.status(), 200, await page.locator('main').innerText());
    assert.equal(await page.locator('h1').innerText(), await ftl('ro', 'page-check_email-title'));
    const subject = await ftl('ro', 'email-verify-subject');
    const mail = await waitForMail(OUTBOX, { to: person.email, subject, seen: mailSeen });
    assert.equal(mail.subject, subject);
  } finally {
    await context.close();
  }
});
