// The dependency rules of docs/ARCHITECTURE.md, checked by `npm run lint:deps`
// (part of `npm run check`) so that the picture cannot drift from the code.
// Why each rule exists: docs/adr/0014-dependency-rules.md.
const server = '^apps/server/src/';
const top = `${server}(seeds/|entrypoints/|bootstrap\\.ts$|job-registry\\.ts$)`;
const web = '^apps/web/src/';
// Tests and their harness are exempt where they must be: they boot the whole
// app and reach into any module to arrange data.
const tests = ['\\.test\\.ts$', `${server}test/`];

module.exports = {
  forbidden: [
    {
      name: 'platform-below-modules',
      comment: 'platform/ is technical adapters: it knows no module and nothing above.',
      severity: 'error',
      from: { path: `${server}platform/`, pathNot: tests },
      to: { path: [`${server}modules/`, top] },
    },
    {
      name: 'modules-below-the-top',
      comment:
        'Modules are composed by bootstrap, the job registry and the entrypoints, never the reverse.',
      severity: 'error',
      from: { path: `${server}modules/` },
      to: { path: top },
    },
    {
      name: 'module-through-its-index',
      comment:
        'Another module is used through its index.ts: its public surface, not its repository.',
      severity: 'error',
      from: { path: `${server}modules/([^/]+)/`, pathNot: tests },
      to: {
        path: `${server}modules/[^/]+/`,
        pathNot: [`${server}modules/$1/`, `${server}modules/[^/]+/index\\.ts$`],
      },
    },
    {
      name: 'test-code-stays-in-tests',
      comment: 'The harness and fixtures are for tests; shipped code must not load them.',
      severity: 'error',
      from: { path: server, pathNot: tests },
      to: { path: `${server}test/` },
    },
    {
      name: 'contracts-import-no-app',
      comment: 'The contracts are shared by server and web, so they can depend on neither.',
      severity: 'error',
      from: { path: '^packages/contracts/' },
      to: { path: '^apps/' },
    },
    {
      // Type-only imports count: erased at run time, but a loop of types still
      // means neither side can be understood or changed without the other.
      name: 'no-circular',
      severity: 'error',
      // Tests exempt: the route table and its per-domain parts
      // (test/route-specs*.ts) import each other's types and helpers.
      from: { path: ['^apps/server/', '^packages/'], pathNot: tests },
      to: { circular: true },
    },
    // Web rules (apps/web/src), top to bottom: app/ (the shell: router,
    // layout, menu) → features/ → components/ → session/ → lib/.
    {
      name: 'web-features-below-the-shell',
      comment: 'app/ composes the features (router, layout, menu); a feature never imports it.',
      severity: 'error',
      from: { path: `${web}features/` },
      to: { path: `${web}app/` },
    },
    {
      name: 'web-feature-through-its-index',
      comment:
        'Another feature is used through its index.ts (what it exports on purpose), not its files.',
      severity: 'error',
      from: { path: `${web}features/([^/]+)/` },
      to: {
        path: `${web}features/[^/]+/`,
        pathNot: [`${web}features/$1/`, `${web}features/[^/]+/index\\.ts$`],
      },
    },
    {
      name: 'web-shared-code-knows-no-feature',
      comment:
        'lib/, session/ and components/ are below the features and the shell: they import neither.',
      severity: 'error',
      from: { path: `${web}(lib|session|components)/` },
      to: { path: `${web}(features|app)/` },
    },
    {
      name: 'web-components-above-session-and-lib',
      comment: 'Components may use the session and lib/; the session and lib/ know no component.',
      severity: 'error',
      from: { path: `${web}(lib|session)/` },
      to: { path: `${web}components/` },
    },
    {
      name: 'web-lib-at-the-bottom',
      comment: 'lib/ (API client, formatters, money, photos) knows no session.',
      severity: 'error',
      from: { path: `${web}lib/` },
      to: { path: `${web}session/` },
    },
    {
      name: 'web-no-circular',
      severity: 'error',
      from: { path: web },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['/dist/', '/node_modules/'] },
    // See type-only imports too: platform naming a module's type is the same
    // knowledge of modules as importing its code.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    // Packages resolve by their exports map, as Node and Vite resolve them.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json'],
    },
  },
};
