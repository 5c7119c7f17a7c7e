import { defineCloudflareConfig } from '@opennextjs/cloudflare';

// No incremental cache: every page reads the session, so nothing is prerendered per user.
export default defineCloudflareConfig({});
