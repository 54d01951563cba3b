/** Keycloak login: authorization code + PKCE (S256) on the public client; tokens live in sessionStorage only. */

const SESSION = 'capydb.session';
const PENDING = 'capydb.pkce';
let config;

const b64url = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes)))
  .replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const randomString = (n) => b64url(crypto.getRandomValues(new Uint8Array(n)));
const redirectUri = () => `${location.origin}/`;
const endpoint = (name) => `${config.issuer}/protocol/openid-connect/${name}`;

/** Loads the issuer, finishes a login redirect if this is one, and returns the signed-in user or null. */
export async function init() {
  config = await (await fetch('/ui/config.json')).json();
  const params = new URLSearchParams(location.search);
  if (params.has('code') || params.has('error')) {
    // The code is single-use: take it out of the address bar whatever happens next.
    history.replaceState(null, '', location.pathname + location.hash);
    if (params.has('error')) throw new Error(`login failed: ${params.get('error_description') || params.get('error')}`);
    await exchange(params.get('code'), params.get('state'));
  }
  return user();
}

export async function login() {
  const verifier = randomString(48);
  const state = randomString(16);
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, hash: location.hash }));
  const challenge = b64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  location.assign(`${endpoint('auth')}?${new URLSearchParams({
    client_id: config.client_id, response_type: 'code', scope: 'openid', redirect_uri: redirectUri(),
    state, code_challenge: challenge, code_challenge_method: 'S256',
  })}`);
}

export function logout() {
  const s = session();
  sessionStorage.removeItem(SESSION);
  const q = new URLSearchParams({ client_id: config.client_id, post_logout_redirect_uri: redirectUri() });
  if (s?.id_token) q.set('id_token_hint', s.id_token);
  location.assign(`${endpoint('logout')}?${q}`);
}

async function exchange(code, state) {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  sessionStorage.removeItem(PENDING);
  if (!pending || pending.state !== state) throw new Error('login failed: the response does not match this browser tab; sign in again');
  await tokenRequest({ grant_type: 'authorization_code', code, redirect_uri: redirectUri(), code_verifier: pending.verifier });
  if (pending.hash) history.replaceState(null, '', location.pathname + pending.hash);
}

async function tokenRequest(form) {
  const res = await fetch(endpoint('token'), {
    method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: config.client_id, ...form }),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`login failed: ${body.error_description || body.error || res.status}`);
  sessionStorage.setItem(SESSION, JSON.stringify({ ...body, expires_at: Date.now() + body.expires_in * 1000 }));
}

const session = () => JSON.parse(sessionStorage.getItem(SESSION) || 'null');

/** A valid access token, refreshed 30 s before it expires; a dead session sends the user to log in again. */
export async function accessToken() {
  const s = session();
  if (!s) { await login(); throw new Error('signed out'); }
  if (s.expires_at - 30_000 > Date.now()) return s.access_token;
  try {
    await tokenRequest({ grant_type: 'refresh_token', refresh_token: s.refresh_token });
    return session().access_token;
  } catch (e) {
    sessionStorage.removeItem(SESSION);
    await login();
    throw e;
  }
}

/** Who is signed in, from the access token's claims (display only: the services decide what is allowed). */
export function user() {
  const s = session();
  if (!s) return null;
  const claims = JSON.parse(atob(s.access_token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  const orgs = claims.orgs || [];
  return {
    name: claims.preferred_username || claims.sub,
    operator: (claims.realm_access?.roles || []).includes('operator'),
    isAdminOf: (orgId) => orgs.includes(`/orgs/${orgId}/admin`),
  };
}
