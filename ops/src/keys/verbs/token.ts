import { createTokenSigner, type AccessClaims } from '@chat/keys';
import type { VerbContext } from './context';

export interface TokenOptions {
  claims: AccessClaims;
  ttlSeconds: number;
}

/**
 * Signs a token with the active key exactly as the web app does and prints only the token,
 * so `TOKEN=$(npm run -s keys -- token …)` captures it. `iss`/`aud` follow JWT_ISSUER and
 * JWT_AUDIENCE from the environment when set, as the web app's do.
 */
export async function token(ctx: VerbContext, options: TokenOptions): Promise<void> {
  const signer = createTokenSigner({
    store: ctx.store,
    wrappingSecret: ctx.secret(),
    ...(process.env.JWT_ISSUER ? { issuer: process.env.JWT_ISSUER } : {}),
    ...(process.env.JWT_AUDIENCE ? { audience: process.env.JWT_AUDIENCE } : {}),
  });
  const signed = await signer.sign(options.claims, { ttlSeconds: options.ttlSeconds });
  ctx.log(`signed with ${signed.kid} for ${options.claims.sub}; expires ${new Date(signed.expiresAt * 1000).toISOString()}`);
  ctx.print(signed.token);
}
