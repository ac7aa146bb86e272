// Interoperability: openid-client (a certified OpenID Connect relying party) against a running StepUpIdp
// with the Development demo data. Started by run.sh, which sets STEPUPIDP_INTEROP_URL.
// The test plays the browser with fetch (manual redirects, a cookie jar) and stops at the redirect to the
// demo SPA's callback; openid-client does everything a relying party does. Emailed passcodes are read from the
// development outbox (STEPUPIDP_INTEROP_OUTBOX, the IdP's {DataPath}/outbox), as a person reads their mail.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as client from 'openid-client';

const baseUrl = process.env.STEPUPIDP_INTEROP_URL;
if (!baseUrl) throw new Error('STEPUPIDP_INTEROP_URL is not set (run tests/interop/run.sh)');
const outbox = process.env.STEPUPIDP_INTEROP_OUTBOX;
if (!outbox) throw new Error('STEPUPIDP_INTEROP_OUTBOX is not set (run tests/interop/run.sh)');

const REDIRECT_URI = 'http://127.0.0.1:8765/callback';
const PASSWORD = 'demo-Passw0rd';
const ACR = { basic: 'urn:stepupidp:acr:basic', otp: 'urn:stepupidp:acr:otp', twoStep: 'urn:stepupidp:acr:2sv' };

// Plain http on loopback: openid-client refuses it unless told otherwise.
const insecure = { execute: [client.allowInsecureRequests] };

/** The public demo SPA (PKCE, no secret), with ID-token signatures checked against the JWKS too. */
let spa;
before(async () => {
  spa = await client.discovery(new URL(baseUrl), 'demo-spa', undefined, client.None(), insecure);
  client.enableNonRepudiationChecks(spa);
});

// ---- the browser -------------------------------------------------------------------------------

/** A minimal browser: a cookie jar for the IdP's host and manual redirects. */
class Browser {
  cookies = new Map();

  async fetch(url, init = {}) {
    const headers = new Headers(init.headers);
    if (this.cookies.size > 0) {
      headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const setCookie of response.headers.getSetCookie()) {
      const [pair, ...attributes] = setCookie.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /**
   * Follows redirects from `url` until one leaves for the callback (returns its URL) or a page is
   * served (returns the page's URL and HTML).
   */
  async navigate(url, init) {
    let current = new URL(url);
    let response = await this.fetch(current, init);
    for (let hops = 0; hops < 20; hops++) {
      if (response.status < 300 || response.status >= 400) {
        return { url: current, status: response.status, html: await response.text() };
      }
      const location = response.headers.get('location');
      assert.ok(location, `redirect without Location from ${current}`);
      current = new URL(location, current);
      await response.body?.cancel();
      if (current.href.startsWith(REDIRECT_URI)) return { callback: current };
      response = await this.fetch(current);
    }
    assert.fail(`too many redirects, last at ${current}`);
  }
}

const decodeHtml = (s) =>
  s.replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The value of the input named `name` in `html` (attributes in any order). */
function inputValue(html, name) {
  for (const [tag] of html.matchAll(/<input\b[^>]*>/gi)) {
    if (new RegExp(`\\bname="${name}"`).test(tag)) {
      const value = /\bvalue="([^"]*)"/.exec(tag);
      return value ? decodeHtml(value[1]) : '';
    }
  }
  return undefined;
}

/** Posts the form with id `formId` on `page` (its hidden fields and `fields`); returns where the browser lands. */
async function submitForm(browser, page, formId, fields = {}) {
  const form = new RegExp(`<form\\b[^>]*\\bid="${formId}"[^>]*>([\\s\\S]*?)</form>`).exec(page.html);
  assert.ok(form, `the page ${page.url} has the form #${formId}`);
  const action = /\baction="([^"]*)"/.exec(form[0].slice(0, form[0].indexOf('>') + 1));
  const body = new URLSearchParams();
  for (const [tag] of form[1].matchAll(/<input\b[^>]*\btype="hidden"[^>]*>/gi)) {
    const name = /\bname="([^"]*)"/.exec(tag);
    const value = /\bvalue="([^"]*)"/.exec(tag);
    if (name) body.set(decodeHtml(name[1]), value ? decodeHtml(value[1]) : '');
  }
  for (const [name, value] of Object.entries(fields)) body.set(name, value);
  return browser.navigate(new URL(action ? decodeHtml(action[1]) : page.url.href, page.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

/**
 * The code in the newest passcode email to `to` in the outbox written after `since` (file names begin with the UTC
 * time they were written), waiting up to 10 s for it. Bodies may be quoted-printable or base64.
 */
async function passcodeFor(to, since) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const names = (await readdir(outbox).catch(() => [])).filter((n) => n.endsWith('.eml') && n > since).sort().reverse();
    for (const name of names) {
      const raw = await readFile(join(outbox, name), 'utf8');
      if (!raw.includes(to) || !/^Subject: Your sign-in code/m.test(raw)) continue;
      const decoded = raw.replace(/=\r?\n/g, '') + '\n' + [...raw.matchAll(/^([A-Za-z0-9+/=]{20,})$/gm)].map((m) => Buffer.from(m[1], 'base64').toString('utf8')).join('\n');
      const code = /^\s*(\d{6,8})\s*$/m.exec(decoded);
      assert.ok(code, `the passcode email ${name} holds a code`);
      return code[1];
    }
    assert.ok(Date.now() < deadline, `no passcode email to ${to} reached the outbox`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The outbox's name order for "now": files written from here on sort after it. */
const outboxNow = () => new Date().toISOString().replace(/[-:]/g, '').replace(/\.(\d{3})Z$/, '$1').slice(0, 15);

/** Signs in on the IdP's sign-in page reached by `page`; returns where the browser lands next. */
async function submitSignIn(browser, page, email) {
  assert.equal(page.status, 200);
  assert.equal(page.url.pathname, '/account/signin', `expected the sign-in page, got ${page.url}`);
  const token = inputValue(page.html, '__RequestVerificationToken');
  const returnUrl = inputValue(page.html, 'ReturnUrl');
  assert.ok(token, 'the sign-in form carries an antiforgery token');
  assert.ok(returnUrl?.startsWith('/connect/authorize'), `ReturnUrl points back to the authorization endpoint: ${returnUrl}`);
  // The form has no action: it posts back to the page's own URL.
  return browser.navigate(page.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Email: email, Password: PASSWORD, ReturnUrl: returnUrl, __RequestVerificationToken: token }),
  });
}

/** Everything a relying party keeps between the authorization request and the callback. */
async function authorizationRequest(extra = {}) {
  const codeVerifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(spa, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile email',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url, codeVerifier, state, nonce };
}

/** openid-client redeems the code at the callback URL and validates the ID token. */
function redeem(callback, request) {
  return client.authorizationCodeGrant(spa, callback, {
    pkceCodeVerifier: request.codeVerifier,
    expectedState: request.state,
    expectedNonce: request.nonce,
    idTokenExpected: true,
  });
}

/** Payload of a JWT, without validation (the tests check its shape and claims). */
function jwtPayload(jwt) {
  const parts = jwt.split('.');
  assert.equal(parts.length, 3, 'a signed JWT (three parts), not an encrypted one');
  return JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
}

/** Signs alice in through the authorization code flow; returns the token endpoint response. */
async function signInAlice() {
  const browser = new Browser();
  const request = await authorizationRequest();
  const signInPage = await browser.navigate(request.url);
  const landed = await submitSignIn(browser, signInPage, 'alice@acme.test');
  assert.ok(landed.callback, `alice goes straight to the callback, got ${landed.url} (${landed.status})`);
  assert.equal(landed.callback.searchParams.get('error'), null);
  assert.equal(landed.callback.searchParams.get('state'), request.state);
  return redeem(landed.callback, request);
}

// ---- the tests ---------------------------------------------------------------------------------

test('discovery: issuer, PKCE and the three ACR values', () => {
  const metadata = spa.serverMetadata();
  assert.equal(new URL(metadata.issuer).origin, new URL(baseUrl).origin);
  for (const acr of Object.values(ACR)) {
    assert.ok(metadata.acr_values_supported?.includes(acr), `acr_values_supported lists ${acr}: ${metadata.acr_values_supported}`);
  }
  assert.ok(metadata.code_challenge_methods_supported?.includes('S256'));
  assert.ok(metadata.jwks_uri && metadata.token_endpoint && metadata.userinfo_endpoint);
});

test('alice (internal org admin): code flow with PKCE, validated ID token with the org claims', async () => {
  const tokens = await signInAlice();
  const claims = tokens.claims();
  assert.ok(claims.sub);
  assert.equal(claims.aud === 'demo-spa' || claims.aud?.includes?.('demo-spa'), true);
  assert.equal(claims.email, 'alice@acme.test');
  assert.equal(claims.org, 'acme');
  assert.equal(claims.user_type, 'internal');
  assert.equal(claims.role, 'admin');
  assert.equal(claims.acr, ACR.basic);
  assert.deepEqual(claims.amr, ['pwd']);
  assert.equal(claims.guest, undefined);
  assert.equal(tokens.token_type.toLowerCase(), 'bearer');
  assert.ok(tokens.access_token);
});

test('alice: userinfo through openid-client returns sub, org and user_type', async () => {
  const tokens = await signInAlice();
  const sub = tokens.claims().sub;
  const userInfo = await client.fetchUserInfo(spa, tokens.access_token, sub);
  assert.equal(userInfo.sub, sub);
  assert.equal(userInfo.org, 'acme');
  assert.equal(userInfo.user_type, 'internal');
});

test('bob (external): after the password the IdP asks for an emailed passcode; prompt=none is interaction_required; the emailed code lets him in with acr otp', async () => {
  const browser = new Browser();
  const first = await authorizationRequest();
  const signInPage = await browser.navigate(first.url);
  const landed = await submitSignIn(browser, signInPage, 'bob@partner.test');
  assert.equal(landed.callback, undefined, `bob must not reach the callback yet: ${landed.callback}`);
  assert.equal(landed.status, 200);
  assert.equal(landed.url.pathname, '/account/verify');
  assert.match(landed.html, /<form\b[^>]*\bid="send-form"/, 'the page offers to email a passcode');

  // Same browser (bob has a session) but the app asks not to interact: the IdP must refuse.
  const silent = await authorizationRequest({ prompt: 'none' });
  const answer = await browser.navigate(silent.url);
  assert.ok(answer.callback, `prompt=none answers at the callback, got ${answer.url} (${answer.status})`);
  assert.equal(answer.callback.searchParams.get('error'), 'interaction_required');
  assert.equal(answer.callback.searchParams.get('state'), silent.state);
  // openid-client sees the same error response (after checking the state).
  await assert.rejects(redeem(answer.callback, silent), (error) => {
    assert.ok(error instanceof client.AuthorizationResponseError, `${error}`);
    assert.equal(error.error, 'interaction_required');
    return true;
  });

  // Bob asks for the code, reads it from his mail and enters it: the IdP sends him on to the app, and openid-client
  // redeems the code and validates an ID token that says what this session proved.
  const since = outboxNow();
  const sent = await submitForm(browser, landed, 'send-form');
  assert.equal(sent.status, 200);
  assert.equal(sent.url.pathname, '/account/verify');
  const code = await passcodeFor('bob@partner.test', since);
  const verified = await submitForm(browser, sent, 'verify-form', { Code: code });
  assert.ok(verified.callback, `the right code leads to the callback, got ${verified.url} (${verified.status})`);
  assert.equal(verified.callback.searchParams.get('state'), first.state);
  const tokens = await redeem(verified.callback, first);
  const claims = tokens.claims();
  assert.equal(claims.email, 'bob@partner.test');
  assert.equal(claims.user_type, 'external');
  assert.equal(claims.acr, ACR.otp);
  assert.ok(claims.amr?.includes('pwd') && claims.amr?.includes('otp'), `amr: ${claims.amr}`);
  assert.ok(claims.verified_at > 0 && claims.reverify_at > claims.verified_at, 'verified_at and reverify_at describe this session');
});

test('demo-api: client credentials through openid-client give a JWT access token for org acme', async () => {
  const api = await client.discovery(new URL(baseUrl), 'demo-api', 'demo-api-secret', undefined, insecure);
  const tokens = await client.clientCredentialsGrant(api);
  assert.equal(tokens.token_type.toLowerCase(), 'bearer');
  assert.ok(tokens.expires_in > 0);
  const payload = jwtPayload(tokens.access_token);
  assert.equal(payload.org, 'acme');
  assert.equal(new URL(payload.iss).origin, new URL(baseUrl).origin);
  assert.ok(payload.exp > Date.now() / 1000);
});
