import { SELF } from 'cloudflare:test';
import { expect, it } from 'vitest';

// The committed document is what the web app's types are generated from
// (packages/contract/src/api.ts), so a route schema that changed without it fails here.
// `npm run openapi` at the repository root rewrites both.
it('serves the committed openapi.json', async () => {
  const res = await SELF.fetch('https://api.test/openapi.json');
  expect(res.status).toBe(200);
  await expect(`${JSON.stringify(await res.json(), null, 2)}\n`).toMatchFileSnapshot('../openapi.json');
});
