// The browser side of the suite: launching the system Chromium through
// playwright-core, watching every page for CSP violations and JavaScript
// errors, and small steps a person takes on idp's pages.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

import { waitForMail } from './mail.mjs';

export const BASE_URL = required('E2E_BASE_URL').replace(/\/$/, '');
export const OUTBOX = required('E2E_OUTBOX');
export const ARTIFACTS = process.env.E2E_ARTIFACTS || join(tmpdir(), 'idp-e2e-artifacts');
/**
 * The second idp that run.sh starts as the upstream OpenID provider, under
 * another host name (http://localhost:PORT) so that its cookies are its own,
 * and the verified account made there (with these names, by run.sh).
 */
export const UPSTREAM = {
  url: required('E2E_UPSTREAM_URL').replace(/\/$/, ''),
  email: required('E2E_UPSTREAM_EMAIL'),
  password: required('E2E_UPSTREAM_PASSWORD'),
  givenName: 'Hedy',
  familyName: 'Lamarr',
};
export const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';

function required(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run the suite with tests/e2e/run.sh`);
  return v;
}

export function url(path) {
  return BASE_URL + path;
}

// Without the background-networking flags Chromium keeps calling home,
// which on a closed network only produces noise and delays.
export const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
}

/**
 * Everything worrying that pages said while the suite ran, shared by all
 * contexts: CSP violations, uncaught exceptions, console errors from script,
 * and sub-resources (style sheet, script) that failed to load.
 */
export const problems = [];
/** How many documents the watched contexts loaded (so "no problems" means something). */
export const seen = { documents: 0 };

// Reported by the page itself too, in case a violation is not logged.
const REPORT_CSP = () => {
  document.addEventListener('securitypolicyviolation', (e) => {
    console.error(
      `CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`,
    );
  });
};

/** Records the page's problems (see `problems`) under `label`. */
export function watchPage(page, label) {
  const where = () => page.url();
  page.on('console', (msg) => {
    const text = msg.text();
    const type = msg.type();
    if (/Content[- ]Security[- ]Policy|CSP violation/i.test(text)) {
      problems.push({ label, kind: 'csp', url: where(), text });
    } else if (type === 'error' && !/^Failed to load resource/.test(text)) {
      // "Failed to load resource" is how Chromium logs any HTTP error status;
      // documents are checked by the tests and sub-resources below.
      problems.push({ label, kind: 'console.error', url: where(), text });
    }
  });
  page.on('pageerror', (err) => {
    problems.push({ label, kind: 'js-error', url: where(), text: String(err?.stack || err) });
  });
  page.on('response', (res) => {
    const req = res.request();
    if (req.resourceType() === 'document') {
      if (res.status() < 300 || res.status() >= 400) seen.documents += 1;
      return;
    }
    if (res.status() >= 400 && !req.url().endsWith('/favicon.ico')) {
      problems.push({ label, kind: 'subresource', url: where(), text: `${res.status()} ${req.url()}` });
    }
  });
  page.on('requestfailed', (req) => {
    if (req.resourceType() === 'document' || req.url().endsWith('/favicon.ico')) return;
    problems.push({
      label,
      kind: 'subresource',
      url: where(),
      text: `${req.failure()?.errorText} ${req.url()}`,
    });
  });
}

/** A fresh browser profile (own cookies) whose pages are all watched. */
export async function newContext(browser, label, options = {}) {
  const context = await browser.newContext({ locale: 'en-GB', ...options });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(15_000);
  await context.addInitScript(REPORT_CSP);
  context.on('page', (page) => watchPage(page, label));
  return context;
}

export function formatProblems(list) {
  return list.map((p) => `[${p.label}] ${p.kind} on ${p.url}: ${p.text}`).join('\n');
}

/**
 * Clicks a submit button and waits for the page the server answers with.
 * Returns the response of the final document (after any redirects).
 */
export async function submit(page, button) {
  let last = null;
  const onResponse = (res) => {
    if (res.request().isNavigationRequest() && res.frame() === page.mainFrame()) last = res;
  };
  page.on('response', onResponse);
  try {
    await Promise.all([page.waitForEvent('load'), button.click()]);
  } finally {
    page.off('response', onResponse);
  }
  return last;
}

export async function heading(page) {
  return (await page.locator('h1').innerText()).trim();
}

/** The notice other pages pass along (`?notice=…`), shown as a status line. */
export async function notice(page) {
  return (await page.locator('p.notice[role=status]').innerText()).trim();
}

/**
 * The first visible alert on the page (form-wide error). Every page also
 * has a hidden one, the cookies-off notice, which page.js shows when needed.
 */
export async function alertText(page) {
  return (await page.locator('[role=alert]:visible').first().innerText()).trim();
}

export const BOT_DONE = 'Done: you are not a robot.';

/**
 * Waits until /static/botcheck.js has solved the proof-of-work: the status
 * line says so (in English, BOT_DONE; in any language, the text of its
 * `data-done`) and the form's submit button is enabled again.
 */
export async function waitForRobotCheck(form) {
  const status = form.locator('.bot-status');
  const button = form.locator('button[type=submit]');
  // While the script still works, the button must be disabled (a quick
  // machine may already be done by the time we look).
  const early = await form.evaluate((f) => ({
    status: f.querySelector(".bot-status").textContent.trim(),
    done: f.querySelector(".bot-status").getAttribute("data-done"),
    lang: document.documentElement.lang,
    disabled: f.querySelector("button[type=submit]").disabled,
  }));
  if (early.lang === 'en') assert.equal(early.done, BOT_DONE);
  if (early.status !== early.done) {
    assert.equal(early.disabled, true, "submit button is disabled while the robot check works");
  }
  await status.filter({ hasText: early.done }).waitFor({ timeout: 30_000 });
  assert.equal(await button.isEnabled(), true, 'submit button is enabled once the robot check is done');
  const solution = await form.locator('input[name=bot_solution]').inputValue();
  assert.match(solution, /^\d+$/, 'the robot check filled in its answer');
}

let counter = 0;

/** Someone new: a unique address and a password idp accepts (8–20 characters). */
export function newPerson(givenName = 'Ada', familyName = 'Lovelace') {
  const tag = `${Date.now().toString(36)}${(counter++).toString(36)}${randomBytes(2).toString('hex')}`;
  return {
    email: `e2e-${tag}@example.test`,
    password: strongPassword(),
    givenName,
    familyName,
    birthdate: '1990-12-10',
  };
}

export function strongPassword() {
  // Upper, lower, digit and symbol, 16 characters, random enough for any strength meter.
  const body = randomBytes(9).toString('base64').replace(/[+/=]/g, 'q');
  return `Zr8#${body.slice(0, 10)}x2`;
}

/**
 * Signs up through /signup as a person would, reads the verification email
 * and follows its link, ending on the sign-in page with the "verified"
 * notice. Returns the verification message.
 */
export async function signUpAndVerify(page, person, mailSeen = new Set()) {
  await page.goto(url('/signup'));
  assert.equal(await heading(page), 'Create your account');
  const form = page.locator('form[action="/signup"]');
  await form.getByLabel('Email address').fill(person.email);
  await form.getByLabel('Password', { exact: true }).fill(person.password);
  await form.getByLabel('Confirm password').fill(person.password);
  await form.getByLabel('Yes, send me the latest news').check();
  await form.getByLabel('First name').fill(person.givenName);
  await form.getByLabel('Last name').fill(person.familyName);
  await form.getByLabel('Date of birth').fill(person.birthdate);
  await waitForRobotCheck(form);

  const res = await submit(page, form.getByRole('button', { name: 'Create account' }));
  assert.equal(res?.status(), 200, `sign-up answers 200; page says: ${await page.locator('main').innerText()}`);
  assert.equal(await heading(page), 'Check your email');
  assert.match(await page.locator('main').innerText(), new RegExp(`We sent a message to ${escapeRe(person.email)}`));

  const mail = await waitForMail(OUTBOX, { to: person.email, subject: 'Activate your account', seen: mailSeen });
  assert.match(mail.text, new RegExp(`Hello ${escapeRe(person.givenName)}`));
  const link = mail.text.match(/https?:\/\/\S+\/verify-email\?token=[^\s<>"]+/)?.[0];
  assert.ok(link, `the verification email has a link:\n${mail.text}`);
  assert.ok(link.startsWith(`${BASE_URL}/verify-email?token=`), `link ${link} points at the issuer ${BASE_URL}`);
  assert.ok(mail.html.includes(link.replace(/&/g, '&amp;')), 'the HTML part carries the same link');

  // Opening the link only shows a button; the button spends the token.
  await page.goto(link);
  assert.equal(await heading(page), 'Verify your email address');
  const verified = await submit(page, page.getByRole('button', { name: 'Verify my email address' }));
  assert.equal(verified?.status(), 200);
  assert.equal(new URL(page.url()).pathname, '/login');
  assert.equal(await notice(page), 'Your email address is verified. You can sign in now.');
  return mail;
}

/** Fills in the sign-in form of the current /login page and sends it. */
export async function signIn(page, email, password) {
  const form = page.locator('form[action="/login"]');
  await form.getByLabel('Email address').fill(email);
  await form.getByLabel('Password').fill(password);
  return submit(page, form.getByRole('button', { name: 'Sign in' }));
}

export function escapeRe(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Every visible form control of the page with its labels: the `label[for]`
 * elements naming its id, and whether the browser itself ties a label to it
 * (`el.labels`, which a duplicated id breaks), plus where it ends on screen.
 */
export async function controlsAndLabels(page) {
  return page.evaluate(() => {
    const visible = (node) => {
      const r = node.getBoundingClientRect();
      const s = getComputedStyle(node);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0;
    };
    return [...document.querySelectorAll('input, select, textarea')]
      .filter((el) => el.type !== 'hidden')
      .map((el) => ({
        name: el.name,
        id: el.id,
        form: el.form?.getAttribute('action') ?? null,
        idCount: el.id ? document.querySelectorAll(`[id="${CSS.escape(el.id)}"]`).length : 0,
        labelsFor: (el.id ? [...document.querySelectorAll(`label[for="${CSS.escape(el.id)}"]`)] : []).map((l) => ({
          text: l.innerText.trim(),
          visible: visible(l),
        })),
        ownLabels: [...(el.labels ?? [])].map((l) => l.innerText.trim()),
        right: el.getBoundingClientRect().right,
      }));
  });
}

/** Assertion messages for controls without exactly one visible label of their own. */
export function labelProblems(controls, where) {
  const out = [];
  for (const c of controls) {
    const name = `${where}: ${c.form ? `form ${c.form}, ` : ''}input ${c.id ? `#${c.id}` : `name=${c.name}`}`;
    if (!c.id) out.push(`${name} has no id`);
    else if (c.idCount !== 1) out.push(`${name}: the id is used ${c.idCount} times on the page`);
    if (c.labelsFor.length !== 1) out.push(`${name} has ${c.labelsFor.length} label[for] elements`);
    else if (!c.labelsFor[0].visible || !c.labelsFor[0].text) out.push(`${name}: its label is not visible`);
    if (c.ownLabels.length !== 1) out.push(`${name}: the browser ties ${c.ownLabels.length} labels to it`);
  }
  return out;
}
