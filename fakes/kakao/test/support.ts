import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';

export const CLIENT = { id: 'local-kakao-client', secret: 'local-kakao-secret' };
export const REDIRECT = 'http://localhost:3000/api/auth/callback/kakao';

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The authorize URL as Auth.js builds it: empty scope, PKCE S256, no state unless asked. */
export function authorizeUrl(base: string, params: Record<string, string> = {}): string {
  const url = new URL(`${base}/oauth/authorize`);
  const all = { client_id: CLIENT.id, redirect_uri: REDIRECT, response_type: 'code', scope: '', ...params };
  for (const [name, value] of Object.entries(all)) url.searchParams.set(name, value);
  return url.toString();
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** The hidden fields of a consent page, decoded, as a browser would send them back. */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity] ?? entity);
    fields[decode(match[1] ?? '')] = decode(match[2] ?? '');
  }
  return fields;
}

export function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });
}

/** Opens the consent page and submits it like a browser: the hidden fields plus the person's choice. */
export async function consent(base: string, authorize: Record<string, string>, choice: Record<string, string>): Promise<Response> {
  const page = await fetch(authorizeUrl(base, authorize), { redirect: 'manual' });
  expect(page.status).toBe(200);
  return postForm(`${base}/oauth/authorize/decision`, { ...hiddenFields(await page.text()), ...choice });
}

/** Approves as the given person and returns the redirect back to the app. */
export async function approve(base: string, authorize: Record<string, string>, choice: Record<string, string>): Promise<URL> {
  const res = await consent(base, authorize, { decision: 'approve', ...choice });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location') ?? '');
}

/** A fresh code for a preset person, with its PKCE verifier. */
export async function codeFor(base: string, user = 'alice'): Promise<{ code: string; verifier: string }> {
  const { verifier, challenge } = pkce();
  const back = await approve(base, { code_challenge: challenge, code_challenge_method: 'S256' }, { user });
  return { code: back.searchParams.get('code') ?? '', verifier };
}

/** A token request as Auth.js sends it (client_secret_post). */
export function tokenRequest(base: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return postForm(
    `${base}/oauth/token`,
    { grant_type: 'authorization_code', redirect_uri: REDIRECT, client_id: CLIENT.id, client_secret: CLIENT.secret, ...fields },
    headers,
  );
}

export async function tokensFor(base: string, code: string, verifier: string): Promise<{ access_token: string; refresh_token: string }> {
  const res = await tokenRequest(base, { code, code_verifier: verifier });
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; refresh_token: string };
}

export function userMe(base: string, accessToken: string, method: 'GET' | 'POST' = 'GET'): Promise<Response> {
  return fetch(`${base}/v2/user/me`, { method, headers: { authorization: `Bearer ${accessToken}` } });
}
