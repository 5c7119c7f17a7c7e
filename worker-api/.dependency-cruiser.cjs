// The Worker's layers, checked by `npm run typecheck`: routes → domain (admin, billing, chat, providers,
// policy, auth) → db; http/, config, days, env, log and version are shared leaves any layer may use.
const DOMAIN = '^src/(admin|billing|chat|policy|auth|providers)/';
const LEAVES = '^src/(http/|config\\.ts$|days\\.ts$|env\\.ts$|log\\.ts$|version\\.ts$|bundle/)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'db-is-the-bottom',
      comment: 'src/db/ knows tables, not callers: it imports nothing from the domain or the routes.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: [DOMAIN, '^src/routes/', '^src/index\\.ts$'] },
    },
    {
      name: 'domain-below-routes',
      comment: 'Domain modules are called by routes, never the other way round.',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: ['^src/routes/', '^src/index\\.ts$'] },
    },
    {
      name: 'leaves-import-leaves',
      comment: 'http/, config, days, env, log and version are used by every layer, so they use none of them.',
      severity: 'error',
      from: { path: LEAVES },
      to: { path: [DOMAIN, '^src/db/', '^src/routes/', '^src/index\\.ts$'] },
    },
    {
      name: 'sql-lives-in-db',
      comment: 'Statements are built in src/db/queries/<table>.ts; elsewhere only the row types of the schema are used.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/db/' },
      to: { path: ['^src/db/schema\\.ts$', '(^|/)node_modules/drizzle-orm/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
