// Drives the VNeID provider with panva's openid-client (a certified relying-party library nobody on the project wrote):
// the OpenID Connect code flow, refresh, prompt and max_age, RP-initiated logout, a FAPI 2.0 flow with PAR,
// private_key_jwt and DPoP, and the negative cases of the conformance plans. The citizen's browser is plain fetch with a
// cookie jar, walking the provider's server-rendered forms.
//
// Input (environment): VNEID_ISSUER; VNEID_OIDC_CLIENT {clientId, secret, redirect, postLogout};
// VNEID_FAPI_CLIENT {clientId, privateJwk, redirect}; VNEID_CITIZEN {idNumber, password}.
// Output: "ok <check>" or "not ok <check>: <why>" per check, then "N passed, M failed"; exit 1 on any failure.
import * as client from 'openid-client';

const issuer = new URL(process.env.VNEID_ISSUER);
const oidc = JSON.parse(process.env.VNEID_OIDC_CLIENT);
const fapi = JSON.parse(process.env.VNEID_FAPI_CLIENT);
const citizen = JSON.parse(process.env.VNEID_CITIZEN);
const insecure = { execute: [client.allowInsecureRequests] }; // the test gateway listens on loopback http
let passed = 0, failed = 0;

async function check(name, body) {
  try {
    await body();
    passed++;
    console.log(`ok ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok ${name}: ${e?.code ?? ''} ${refusal(e) ?? ''} ${e?.message ?? e} ${JSON.stringify(e?.cause ?? '')}`.replace(/\s+/g, ' '));
  }
}
function assert(condition, message) { if (!condition) throw new Error(message); }
/** The OAuth error code of a refusal: from the body, or from a WWW-Authenticate challenge (a 401). */
function refusal(e) { return e?.error ?? e?.cause?.error ?? (Array.isArray(e?.cause) ? e.cause[0]?.parameters?.error : undefined); }
async function rejects(promise, expected) {
  try { await promise; } catch (e) {
    const error = refusal(e);
    assert(!expected || error === expected, `expected ${expected}, got ${error ?? e?.message}`);
    return;
  }
  throw new Error(`expected ${expected ?? 'a refusal'}, got success`);
}

/** A citizen's browser: a cookie jar and the provider's forms, filled in as a person would. */
class Browser {
  cookies = new Map();
  passwordPages = 0;
  async go(url, init = {}) {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at).trim(), pair.slice(at + 1).trim());
    }
    return response;
  }
  static decode(text) {
    return text.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
      .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(parseInt(hex, 16)))
      .replace(/&#([0-9]+);/g, (_, dec) => String.fromCodePoint(parseInt(dec, 10))).replace(/&amp;/g, '&');
  }
  static form(html) {
    const action = Browser.decode(/<form method="post" action="([^"]*)"/.exec(html)?.[1] ?? '');
    const fields = new URLSearchParams();
    for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\s*\/?>/g)) fields.append(Browser.decode(m[1]), Browser.decode(m[2]));
    return { action, fields };
  }
  /** Follows the provider until it sends the browser to `back`; signs in and consents on the way. Returns that URL. */
  async authorize(url, back, { consent = true } = {}) {
    let response = await this.go(url);
    for (let step = 0; step < 12; step++) {
      if (response.status >= 300 && response.status < 400) {
        const next = new URL(response.headers.get('location'), issuer);
        if (next.href.startsWith(back)) return next;
        response = await this.go(next);
        continue;
      }
      const html = await response.text();
      assert(response.status === 200, `the provider answered ${response.status}: ${html.slice(0, 200)}`);
      const { action, fields } = Browser.form(html);
      if (html.includes('name="password"')) {
        this.passwordPages++;
        fields.set('idNumber', citizen.idNumber);
        fields.set('password', citizen.password);
      } else if (html.includes('value="accept"')) {
        assert(consent, 'a consent page was shown');
        fields.set('decision', 'accept');
      } else throw new Error(`an unexpected page: ${html.slice(0, 300)}`);
      response = await this.go(new URL(action, issuer), { method: 'POST', body: fields });
    }
    throw new Error('too many steps');
  }
}

// ---- OpenID Connect: a confidential client with a secret ----------------------------------------------------------
const config = await client.discovery(issuer, oidc.clientId, { redirect_uris: [oidc.redirect] }, client.ClientSecretBasic(oidc.secret), insecure);
const meta = config.serverMetadata();
const browser = new Browser();
let idToken, refreshToken, accessToken, sub;

await check('discovery advertises PAR, private_key_jwt, DPoP, iss in responses and S256 only', async () => {
  assert(meta.issuer === issuer.href, `issuer ${meta.issuer}`);
  assert(meta.pushed_authorization_request_endpoint, 'no PAR endpoint');
  assert(meta.token_endpoint_auth_methods_supported.includes('private_key_jwt'), 'no private_key_jwt');
  assert(meta.dpop_signing_alg_values_supported?.includes('ES256'), 'no DPoP algorithms');
  assert(meta.authorization_response_iss_parameter_supported === true, 'no iss in responses');
  assert(JSON.stringify(meta.code_challenge_methods_supported) === '["S256"]', 'PKCE methods');
  assert(meta.id_token_signing_alg_values_supported.includes('ES256'), 'no ES256');
});

async function codeFlow(extra = {}, checks = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: oidc.redirect, scope: 'openid profile offline_access', state, nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
  });
  const back = await browser.authorize(url, oidc.redirect);
  return client.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, ...checks });
}

await check('code flow with PKCE: the ID token verifies (RS256, iss, aud, nonce, iss in the response)', async () => {
  const tokens = await codeFlow();
  idToken = tokens.id_token;
  accessToken = tokens.access_token;
  refreshToken = tokens.refresh_token;
  sub = tokens.claims().sub;
  assert(tokens.claims().acr === 'urn:vneid:level1', `acr ${tokens.claims().acr}`);
  assert(refreshToken, 'no refresh token');
  assert(tokens.token_type.toLowerCase() === 'bearer', tokens.token_type);
});

await check('userinfo answers for the same subject', async () => {
  const info = await client.fetchUserInfo(config, accessToken, sub);
  assert(info.name, 'no name');
});

await check('refresh rotates, and the replaced refresh token is refused at once', async () => {
  const refreshed = await client.refreshTokenGrant(config, refreshToken);
  assert(refreshed.refresh_token && refreshed.refresh_token !== refreshToken, 'not rotated');
  await rejects(client.refreshTokenGrant(config, refreshToken), 'invalid_grant');
});

await check('prompt=none with a live session and a remembered consent answers with a code, never a page', async () => {
  const tokens = await codeFlow({ prompt: 'none' });
  assert(tokens.claims().sub === sub, 'another subject');
});

await check('prompt=consent shows the consent page again', async () => {
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: oidc.redirect, scope: 'openid', state: 'c', prompt: 'consent',
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const answer = await browser.go(url);
  assert(answer.status === 200 && (await answer.text()).includes('value="accept"'), `no consent page (${answer.status})`);
});

await check('prompt=login asks for the password again', async () => {
  const before = browser.passwordPages;
  await codeFlow({ prompt: 'login' });
  assert(browser.passwordPages === before + 1, 'no password page');
});

await check('max_age: an older sign-in is asked again and auth_time honours it', async () => {
  await new Promise(r => setTimeout(r, 2100));
  const before = browser.passwordPages;
  const tokens = await codeFlow({ max_age: '1' }, { maxAge: 1 });
  assert(browser.passwordPages === before + 1, 'no password page');
  assert(tokens.claims().auth_time, 'no auth_time');
});

await check('a wrong client secret is refused (invalid_client)', async () => {
  const wrong = await client.discovery(issuer, oidc.clientId, { redirect_uris: [oidc.redirect] }, client.ClientSecretBasic('not-the-secret'), insecure);
  await rejects(client.refreshTokenGrant(wrong, 'x'), 'invalid_client');
});

await check('a code is good once; a wrong PKCE verifier gets nothing', async () => {
  const verifier = client.randomPKCECodeVerifier();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: oidc.redirect, scope: 'openid', state: 's', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const back = await browser.authorize(url, oidc.redirect);
  await rejects(client.authorizationCodeGrant(config, back, { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: 's' }), 'invalid_grant');
  await client.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedState: 's' });
  await rejects(client.authorizationCodeGrant(config, back, { pkceCodeVerifier: verifier, expectedState: 's' }), 'invalid_grant');
});

await check('RP-initiated logout asks the citizen, then returns with the state; prompt=none then needs a login', async () => {
  const url = client.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: oidc.postLogout, state: 'bye' });
  const asked = await browser.go(url);
  assert(asked.status === 200, `logout answered ${asked.status}`);
  const { action, fields } = Browser.form(await asked.text());
  fields.set('decision', 'logout');
  const done = await browser.go(new URL(action, issuer), { method: 'POST', body: fields });
  const location = new URL(done.headers.get('location'), issuer);
  assert(location.href.startsWith(oidc.postLogout) && location.searchParams.get('state') === 'bye', `went to ${location}`);
  await rejects(codeFlow({ prompt: 'none' }), 'login_required');
});

// ---- FAPI 2.0: PAR, private_key_jwt, DPoP, ES256 ---------------------------------------------------------------
const privateKey = await crypto.subtle.importKey('jwk', fapi.privateJwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
const fapiConfig = await client.discovery(issuer, fapi.clientId,
  { redirect_uris: [fapi.redirect], id_token_signed_response_alg: 'ES256', authorization_signed_response_alg: undefined },
  // Explicitly typed, to the issuer (draft-ietf-oauth-rfc7523bis, which the provider holds client assertions to).
  client.PrivateKeyJwt({ key: privateKey, kid: fapi.privateJwk.kid }, { [client.modifyAssertion]: header => { header.typ = 'client-authentication+jwt'; } }),
  insecure);
const fapiBrowser = new Browser();
const dpopKey = await client.randomDPoPKeyPair('ES256');
let fapiTokens;

async function fapiFlow(dpop) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = await client.buildAuthorizationUrlWithPAR(fapiConfig, {
    redirect_uri: fapi.redirect, scope: 'openid profile offline_access', state,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  }, dpop ? { DPoP: dpop } : undefined);
  assert(url.searchParams.get('request_uri'), 'no request_uri');
  const back = await fapiBrowser.authorize(url, fapi.redirect);
  return { back, verifier, state };
}

await check('FAPI 2.0: PAR with private_key_jwt, code exchanged with DPoP, ES256 ID token, DPoP-bound access token', async () => {
  const dpop = client.getDPoPHandle(fapiConfig, dpopKey);
  const { back, verifier, state } = await fapiFlow(dpop);
  fapiTokens = await client.authorizationCodeGrant(fapiConfig, back, { pkceCodeVerifier: verifier, expectedState: state }, undefined, { DPoP: dpop });
  assert(fapiTokens.token_type.toLowerCase() === 'dpop', `token_type ${fapiTokens.token_type}`);
  const header = JSON.parse(Buffer.from(fapiTokens.id_token.split('.')[0], 'base64url'));
  assert(header.alg === 'ES256', `alg ${header.alg}`);
  const payload = JSON.parse(Buffer.from(fapiTokens.access_token.split('.')[1], 'base64url'));
  assert(payload.cnf?.jkt, 'the access token is not bound');
});

await check('FAPI 2.0: userinfo with the DPoP proof; the same token as a bearer token is refused', async () => {
  const dpop = client.getDPoPHandle(fapiConfig, dpopKey);
  const info = await client.fetchUserInfo(fapiConfig, fapiTokens.access_token, fapiTokens.claims().sub, { DPoP: dpop });
  assert(info.sub === fapiTokens.claims().sub, 'another subject');
  const bearer = await fetch(meta.userinfo_endpoint, { headers: { authorization: `Bearer ${fapiTokens.access_token}` } });
  assert(bearer.status === 401, `bearer use answered ${bearer.status}`);
});

await check('FAPI 2.0: refresh with the same key works; with another key it is refused', async () => {
  const other = client.getDPoPHandle(fapiConfig, await client.randomDPoPKeyPair('ES256'));
  await rejects(client.refreshTokenGrant(fapiConfig, fapiTokens.refresh_token, undefined, { DPoP: other }), 'invalid_grant');
  const same = client.getDPoPHandle(fapiConfig, dpopKey);
  const refreshed = await client.refreshTokenGrant(fapiConfig, fapiTokens.refresh_token, undefined, { DPoP: same });
  assert(refreshed.token_type.toLowerCase() === 'dpop', `token_type ${refreshed.token_type}`);
});

await check('FAPI 2.0: a code pushed with one DPoP key is not exchanged with another (dpop_jkt, RFC 9449 §10)', async () => {
  const { back, verifier, state } = await fapiFlow(client.getDPoPHandle(fapiConfig, dpopKey));
  const other = client.getDPoPHandle(fapiConfig, await client.randomDPoPKeyPair('ES256'));
  await rejects(client.authorizationCodeGrant(fapiConfig, back, { pkceCodeVerifier: verifier, expectedState: state }, undefined, { DPoP: other }), 'invalid_grant');
});

await check('FAPI 2.0: a code exchanged without a DPoP proof gets nothing', async () => {
  const { back, verifier, state } = await fapiFlow(undefined);
  await rejects(client.authorizationCodeGrant(fapiConfig, back, { pkceCodeVerifier: verifier, expectedState: state }), 'invalid_dpop_proof');
});

await check('FAPI 2.0: an authorization request not pushed first is refused', async () => {
  const url = client.buildAuthorizationUrl(fapiConfig, {
    redirect_uri: fapi.redirect, scope: 'openid', state: 'st', code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
  });
  const answer = await fapiBrowser.go(url);
  const location = answer.headers.get('location');
  assert(answer.status !== 200 || !(await answer.text()).includes('value="accept"'), 'a consent page was shown');
  assert(!location || !new URL(location, issuer).searchParams.has('code'), 'a code was issued');
});

await check('FAPI 2.0: a client secret is no way in for a key-registered client', async () => {
  const withSecret = await client.discovery(issuer, fapi.clientId, { redirect_uris: [fapi.redirect] }, client.ClientSecretBasic('guessed'), insecure);
  await rejects(client.buildAuthorizationUrlWithPAR(withSecret, { redirect_uri: fapi.redirect, scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }), 'invalid_client');
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
