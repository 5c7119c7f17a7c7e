/**
 * Stands in for zod's locale index in the deployed bundle (wrangler.toml `[alias]`).
 * @hono/zod-openapi extends zod's namespace object, so the bundler must keep every member of
 * it — including all forty-odd error-message locales (about 260 KiB minified). The API
 * answers in English only, so English is the one locale shipped.
 */
export { default as en } from 'zod/v4/locales/en.js';
