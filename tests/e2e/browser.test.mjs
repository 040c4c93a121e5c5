// idp in a real browser (Chromium, headless), page by page, the way a person
// uses it. Started by tests/e2e/run.sh, which runs the server and passes its
// address (E2E_BASE_URL) and outbox folder (E2E_OUTBOX).

import assert from 'node:assert/strict';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import {
  ARTIFACTS,
  BASE_URL,
  OUTBOX,
  UPSTREAM,
  alertText,
  controlsAndLabels,
  formatProblems,
  heading,
  labelProblems,
  launch,
  newContext,
  newPerson,
  notice,
  problems,
  seen,
  signIn,
  signUpAndVerify,
  strongPassword,
  submit,
  escapeRe,
  url,
  waitForRobotCheck,
} from './lib/browser.mjs';
import { waitForMail } from './lib/mail.mjs';

let browser;
const mailSeen = new Set();

before(async () => {
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Runs `body` with a page in a fresh browser profile, closed afterwards. */
async function withPage(label, body, options) {
  const context = await newContext(browser, label, options);
  try {
    const page = await context.newPage();
    await body(page, context);
  } finally {
    await context.close();
  }
}

const path = (page) => new URL(page.url()).pathname;

async function expectMyProfile(page, person) {
  assert.equal(path(page), '/account', `signed in, on My Profile (at ${page.url()})`);
  assert.equal(await heading(page), 'My Profile');
  assert.match(await page.locator('main').innerText(), new RegExp(`Signed in as ${person.email.replace(/\./g, '\\.')}`));
  const profile = page.locator('form[action="/account/profile"]');
  assert.equal(await profile.getByLabel('First name').inputValue(), person.givenName);
  assert.equal(await profile.getByLabel('Last name').inputValue(), person.familyName);
}

test('1. sign up in the browser, activate by email, sign in, see My Profile', async () => {
  await withPage('signup', async (page) => {
    const person = newPerson('Grace', 'Hopper');
    await signUpAndVerify(page, person, mailSeen);

    const res = await signIn(page, person.email, person.password);
    assert.equal(res?.status(), 200);
    await expectMyProfile(page, person);
    const profile = page.locator('form[action="/account/profile"]');
    assert.equal(await profile.getByLabel('Date of birth').inputValue(), person.birthdate);
    // The marketing box was ticked at sign-up.
    assert.match(await page.locator('main').innerText(), /You receive news, updates and offers by email\./);
  });
});

test('2. My Profile: change the first name, change the password, sign out, sign in with the new one', async () => {
  await withPage('profile', async (page) => {
    const person = newPerson('Ada', 'Byron');
    await signUpAndVerify(page, person, mailSeen);
    await signIn(page, person.email, person.password);
    await expectMyProfile(page, person);

    // First name.
    const profile = page.locator('form[action="/account/profile"]');
    await profile.getByLabel('First name').fill('Augusta');
    let res = await submit(page, profile.getByRole('button', { name: 'Save' }));
    assert.equal(res?.status(), 200);
    assert.equal(await notice(page), 'Your profile has been saved.');
    person.givenName = 'Augusta';
    await expectMyProfile(page, person);
    await page.reload();
    await expectMyProfile(page, person);

    // Password: the form asks for the current one.
    const newPassword = strongPassword();
    const pw = page.locator('form[action="/account/password"]');
    await pw.getByLabel('Current password').fill(person.password);
    await pw.getByLabel('New password', { exact: true }).fill(newPassword);
    await pw.getByLabel('Confirm new password').fill(newPassword);
    res = await submit(page, pw.getByRole('button', { name: 'Change password' }));
    assert.equal(res?.status(), 200);
    assert.equal(path(page), '/account');
    assert.equal(await notice(page), 'Your password has been changed. Your other sessions have ended.');
    await waitForMail(OUTBOX, { to: person.email, subject: 'Your password was changed', seen: mailSeen });

    // Sign out.
    await page.goto(url('/logout'));
    assert.equal(await heading(page), 'Log out');
    res = await submit(page, page.getByRole('button', { name: 'Log out', exact: true }));
    assert.equal(res?.status(), 200);
    assert.equal(path(page), '/login');
    assert.equal(await notice(page), 'You have signed out.');
    await page.goto(url('/account'));
    assert.equal(path(page), '/login', 'signed out: My Profile sends to the sign-in page');

    // The old password no longer works; the new one does.
    res = await signIn(page, person.email, person.password);
    assert.equal(res?.status(), 401);
    assert.equal(await alertText(page), 'The email address or password is wrong.');
    res = await signIn(page, person.email, newPassword);
    assert.equal(res?.status(), 200);
    await expectMyProfile(page, person);
  });
});

test('3. forgotten password: robot check, emailed 8-digit code, new password, sign in', async () => {
  await withPage('forgot', async (page) => {
    const person = newPerson('Katherine', 'Johnson');
    await signUpAndVerify(page, person, mailSeen);

    await page.goto(url('/login'));
    await page.getByRole('link', { name: 'Forgotten your password?' }).click();
    await page.waitForURL(url('/password/forgot'));
    assert.equal(await heading(page), 'Reset your password');
    const form = page.locator('form[action="/password/forgot"]');
    await form.getByLabel('Email address').fill(person.email);
    await waitForRobotCheck(form);
    let res = await submit(page, form.getByRole('button', { name: 'Get code' }));
    assert.equal(res?.status(), 200, await page.locator('main').innerText());
    assert.equal(await heading(page), 'Enter the code');
    assert.match(await page.locator('main').innerText(), /we sent a code to it/);

    const mail = await waitForMail(OUTBOX, { to: person.email, subject: 'Your password reset code', seen: mailSeen });
    const code = mail.text.match(/^[ \t]*(\d{8})[ \t]*$/m)?.[1];
    assert.ok(code, `the email carries an 8-digit code:\n${mail.text}`);
    assert.ok(mail.html.includes(code), 'the HTML part shows the same code');

    await page.getByLabel('Code from the email').fill(code);
    res = await submit(page, page.getByRole('button', { name: 'Next' }));
    assert.equal(res?.status(), 200, await page.locator('main').innerText());
    assert.equal(await heading(page), 'Choose a new password');

    const newPassword = strongPassword();
    await page.getByLabel('Password', { exact: true }).fill(newPassword);
    await page.getByLabel('Confirm password').fill(newPassword);
    res = await submit(page, page.getByRole('button', { name: 'Set new password' }));
    assert.equal(res?.status(), 200);
    assert.equal(path(page), '/login');
    assert.equal(await notice(page), 'Your password has been reset. Sign in with your new password.');
    await waitForMail(OUTBOX, { to: person.email, subject: 'Your password was reset', seen: mailSeen });

    res = await signIn(page, person.email, person.password);
    assert.equal(res?.status(), 401, 'the old password no longer works');
    res = await signIn(page, person.email, newPassword);
    assert.equal(res?.status(), 200);
    await expectMyProfile(page, person);
  });
});

test('4. a browser that refuses cookies is told so plainly', async () => {
  await withPage('cookies', async (page, context) => {
    await page.goto(url('/login'));
    assert.equal(await heading(page), 'Sign in');
    await context.clearCookies();
    const res = await signIn(page, 'someone@example.test', 'Whatever-123');
    assert.equal(res?.status(), 403);
    assert.equal(await heading(page), 'Something went wrong');
    assert.match(await alertText(page), /^Your browser is refusing cookies\. Signing in needs cookies/);
  });
});

test('5. on a phone (390x844) the sign-in page fits and every input is labelled', async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  await withPage(
    'phone',
    async (page) => {
      for (const [pagePath, name] of [
        ['/login', 'login'],
        ['/signup', 'signup'],
        ['/password/forgot', 'password-forgot'],
      ]) {
        await page.goto(url(pagePath));
        const layout = await page.evaluate(() => {
          const doc = document.documentElement;
          window.scrollTo(200, 0);
          const scrolledX = window.scrollX;
          window.scrollTo(0, 0);
          return {
            innerWidth: window.innerWidth,
            clientWidth: doc.clientWidth,
            scrollWidth: Math.max(doc.scrollWidth, document.body.scrollWidth),
            scrolledX,
          };
        });
        assert.equal(layout.innerWidth, 390, `${pagePath}: the layout viewport is the phone's width`);
        assert.ok(
          layout.scrollWidth <= layout.clientWidth && layout.scrolledX === 0,
          `${pagePath}: no horizontal scrolling (${JSON.stringify(layout)})`,
        );

        const controls = await controlsAndLabels(page);
        assert.ok(controls.length > 0, `${pagePath} has inputs`);
        assert.deepEqual(labelProblems(controls, pagePath), []);
        for (const c of controls) {
          assert.ok(c.right <= 390, `${pagePath}: #${c.id} fits on the screen (right edge ${c.right})`);
        }

        const file = join(ARTIFACTS, `${name}-390x844.png`);
        await page.screenshot({ path: file, fullPage: true });
        assert.ok((await stat(file)).size > 0);
      }
    },
    { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true },
  );
});

// My Profile has several forms asking for the current password; each field
// must still have an id and a label of its own.
test(
  '5b. on a phone, My Profile fits and every input has its own label',
  async () => {
    await withPage(
      'profile-phone',
      async (page) => {
        const person = newPerson('Mary', 'Jackson');
        await signUpAndVerify(page, person, mailSeen);
        await signIn(page, person.email, person.password);
        await expectMyProfile(page, person);
        await mkdir(ARTIFACTS, { recursive: true });
        await page.screenshot({ path: join(ARTIFACTS, 'account-390x844.png'), fullPage: true });
        const width = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
        assert.ok(width[0] <= width[1], `no horizontal scrolling on /account (${width})`);
        assert.deepEqual(labelProblems(await controlsAndLabels(page), '/account'), []);
      },
      { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true },
    );
  },
);

// run.sh starts a second idp as the upstream ("Upstream Corp", at
// http://localhost:PORT, so the browser keeps its cookies apart from idp's
// at 127.0.0.1) with a verified account and a client for idp's callback.
test('6. "Continue with Upstream Corp": sign in at the upstream idp, complete the account, see My Profile', async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `federation-${name}.png`), fullPage: true });
  await withPage('federation', async (page) => {
    await page.goto(url('/login'));
    assert.equal(await heading(page), 'Sign in');
    const button = page.getByRole('button', { name: 'Continue with Upstream Corp', exact: true });
    assert.equal(await button.count(), 1, 'the sign-in page offers the upstream provider');
    await shot(page, '1-login');

    // Off to the upstream's own sign-in page.
    let res = await submit(page, button);
    assert.equal(res?.status(), 200, `the upstream answers; page says: ${await page.locator('main').innerText()}`);
    assert.equal(new URL(page.url()).origin, UPSTREAM.url, `on the upstream's sign-in page (at ${page.url()})`);
    assert.equal(path(page), '/login');
    assert.equal(await heading(page), 'Sign in');
    await shot(page, '2-upstream-login');

    // Signed in there (first-party client: no consent), back at idp.
    const form = page.locator('form[action="/login"]');
    await form.locator('input[name=email]').fill(UPSTREAM.email);
    await form.locator('input[name=password]').fill(UPSTREAM.password);
    res = await submit(page, form.getByRole('button', { name: 'Sign in' }));
    assert.equal(res?.status(), 200, `back at idp; page says: ${await page.locator('main').innerText()}`);
    assert.equal(new URL(page.url()).origin, BASE_URL, `back at idp (at ${page.url()})`);
    assert.equal(await heading(page), 'Complete your account', await page.locator('main').innerText());
    assert.match(
      await page.locator('main').innerText(),
      new RegExp(`You signed in with Upstream Corp as ${escapeRe(UPSTREAM.email)}\\.`),
    );
    const complete = page.locator('form[action="/federation/complete"]');
    // The upstream's names fill the empty fields (sync = "fill", the default).
    assert.equal(await complete.getByLabel('First name').inputValue(), UPSTREAM.givenName);
    assert.equal(await complete.getByLabel('Last name').inputValue(), UPSTREAM.familyName);
    const birthdate = complete.getByLabel('Date of birth');
    assert.equal(await birthdate.getAttribute('name'), 'birthdate');
    assert.equal(await birthdate.getAttribute('type'), 'date');
    assert.equal(await complete.locator('input[name=marketing_opt_in]').isChecked(), false, 'no marketing unless asked for');
    assert.deepEqual(labelProblems(await controlsAndLabels(page), '/federation/complete'), []);
    await birthdate.fill('1914-11-09');
    await shot(page, '3-complete');

    res = await submit(page, complete.getByRole('button', { name: 'Create account' }));
    assert.equal(res?.status(), 200, `account made; page says: ${await page.locator('main').innerText()}`);
    await expectMyProfile(page, { email: UPSTREAM.email, givenName: UPSTREAM.givenName, familyName: UPSTREAM.familyName });
    const profile = page.locator('form[action="/account/profile"]');
    assert.equal(await profile.getByLabel('Date of birth').inputValue(), '1914-11-09');
    assert.match(await page.locator('main').innerText(), /You do not receive marketing email\./);
    const ways = page.locator('section[aria-labelledby="identities-h"]');
    assert.equal((await ways.locator('h2').innerText()).trim(), 'Ways to sign in');
    // The linked identity's line, not just the "Add a way to sign in" button.
    const linked = ways.locator('ul li').filter({ hasText: `Upstream Corp (${UPSTREAM.email}), linked` });
    assert.equal(await linked.count(), 1, `one Upstream Corp identity under "Ways to sign in":\n${await ways.innerText()}`);
    await shot(page, '4-account');
  });
  const own = problems.filter((p) => p.label === 'federation');
  assert.deepEqual(own, [], `problems reported by pages:\n${formatProblems(own)}`);
});

// An administrator makes a company on My Company, invites a colleague on
// My Colleagues; the colleague follows the emailed link and creates their
// account on the invitation's page.
test('6b. My Company: create an organization, invite a colleague, who signs up from the emailed link', async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `company-${name}.png`), fullPage: true });
  const admin = newPerson('Grace', 'Hopper');
  const colleague = newPerson('Katherine', 'Johnson');
  await withPage('company-admin', async (page) => {
    await signUpAndVerify(page, admin, mailSeen);
    await signIn(page, admin.email, admin.password);
    await expectMyProfile(page, admin);
    await submit(page, page.getByRole('link', { name: 'My Company' }));
    assert.equal(await heading(page), 'My Company');
    const create = page.locator('form[action="/company/do"]').filter({ has: page.locator('input[value=create]') });
    await create.getByLabel('Name').fill('Acme Partners');
    let res = await submit(page, create.getByRole('button', { name: 'Create organization' }));
    assert.equal(res?.status(), 200, await page.locator('main').innerText());
    assert.equal(await heading(page), 'Acme Partners');
    assert.equal(await notice(page), 'Your organization was created. You are its administrator.');
    assert.deepEqual(labelProblems(await controlsAndLabels(page), '/company'), []);
    await shot(page, '1-company');

    await submit(page, page.getByRole('link', { name: 'My Colleagues' }));
    assert.equal(await heading(page), 'My Colleagues at Acme Partners');
    const invite = page.locator('form[action="/company/do"]').filter({ has: page.locator('input[value=invite]') });
    await invite.getByLabel('Email address').fill(colleague.email);
    await invite.getByLabel('Role').selectOption('member');
    res = await submit(page, invite.getByRole('button', { name: 'Send invitation' }));
    assert.equal(res?.status(), 200, await page.locator('main').innerText());
    assert.equal(await notice(page), 'The invitation was sent.');
    assert.match(await page.locator('main').innerText(), new RegExp(`${escapeRe(colleague.email)}\\s+Member\\s+waiting`));
    assert.deepEqual(labelProblems(await controlsAndLabels(page), '/company/colleagues'), []);
    await shot(page, '2-colleagues');
  });

  const mail = await waitForMail(OUTBOX, { to: colleague.email, subject: 'Grace Hopper invites you to Acme Partners', seen: mailSeen });
  const link = mail.text.match(/https?:\/\/\S+\/invitation\?token=[^\s<>"]+/)?.[0];
  assert.ok(link?.startsWith(`${BASE_URL}/invitation?token=`), `the invitation has a link:\n${mail.text}`);
  assert.ok(!/<img/i.test(mail.html), 'no remote images in the invitation');

  await withPage('company-invitee', async (page) => {
    await page.goto(link);
    assert.equal(await heading(page), 'Join Acme Partners');
    assert.match(await page.locator('main').innerText(), /Grace Hopper invites you to join Acme Partners as a member\./);
    const form = page.locator('form[action="/invitation/signup"]');
    await form.getByLabel('Password', { exact: true }).fill(colleague.password);
    await form.getByLabel('Confirm password').fill(colleague.password);
    await form.getByLabel('First name').fill(colleague.givenName);
    await form.getByLabel('Last name').fill(colleague.familyName);
    await form.getByLabel('Date of birth').fill(colleague.birthdate);
    await waitForRobotCheck(form);
    assert.deepEqual(labelProblems(await controlsAndLabels(page), '/invitation'), []);
    await shot(page, '3-invitation');
    const res = await submit(page, form.getByRole('button', { name: 'Create account' }));
    assert.equal(res?.status(), 200, await page.locator('main').innerText());
    assert.equal(path(page), '/company');
    assert.equal(await heading(page), 'Acme Partners');
    assert.equal(await notice(page), 'Welcome! You are now a member.');
    assert.match(await page.locator('main').innerText(), /Your role: Member/);
    await shot(page, '4-joined');

    // The link worked once.
    await page.goto(link);
    assert.equal(await heading(page), 'Something went wrong');
    assert.match(await alertText(page), /This invitation link does not work any more/);
  });
  const own = problems.filter((p) => p.label.startsWith('company'));
  assert.deepEqual(own, [], `problems reported by pages:\n${formatProblems(own)}`);
});

test('7. no page logged a CSP violation or a JavaScript error', async () => {
  // Also on its own (e.g. with --test-name-pattern): visit the pages with script.
  await withPage('csp', async (page) => {
    for (const pagePath of ['/login', '/signup', '/password/forgot']) {
      await page.goto(url(pagePath));
      const form = page.locator('form:has(.bot-check)');
      if (await form.count()) await waitForRobotCheck(form);
    }
    await page.goto(url('/logout'));
    await page.goto(url('/verify-email?token=nonsense'));
  });
  assert.ok(seen.documents >= 5, `pages were visited (${seen.documents})`);
  assert.deepEqual(problems, [], `problems reported by pages at ${BASE_URL}:\n${formatProblems(problems)}`);
});
