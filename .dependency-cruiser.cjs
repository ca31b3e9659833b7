// The layers of src/ point one way (README "Layers"). `npm test` runs this check; each rule names
// the only places a layer may import from inside src/.
const inSrc = (layers) => `^src/(${layers.join('|')})/`;

/** A rule: files of `layer` import nothing in src/ outside `allowed` (npm packages and node:* are not limited here). */
function only(layer, allowed, comment) {
  return {
    name: `${layer}-imports-only-${allowed.join('-')}`,
    comment,
    severity: 'error',
    from: { path: inSrc([layer]) },
    to: { path: '^src/', pathNot: inSrc([layer, ...allowed]) },
  };
}

module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      comment: 'src/core imports only zod (zod/mini: test/core/purity.test.ts), decimal.js and itself: no node:*, no other package, nothing else of src/',
      severity: 'error',
      from: { path: inSrc(['core']) },
      to: { pathNot: ['^src/core/', '(^|/)node_modules/(zod|decimal\\.js)/'] },
    },
    only('guard', ['core'], 'the guard knows no fal client, no bundled tables, no MP4 parser: the entry points bind them'),
    only('fal', ['guard', 'core'], 'the fal adapters sit on the guard'),
    only('media', ['core'], 'the MP4 probe implements a core interface'),
    only('tables', ['core'], 'the tables are data compiled by core'),
    {
      name: 'entry-points-not-over-cli-or-testing',
      comment: 'src/*.ts (quote, createBudgetGuard, index, universal) binds the layers; it never imports the CLI or fal-budget/testing',
      severity: 'error',
      from: { path: '^src/[^/]+\\.ts$' },
      to: { path: inSrc(['cli', 'testing']) },
    },
    {
      name: 'testing-not-over-cli',
      severity: 'error',
      from: { path: inSrc(['testing']) },
      to: { path: inSrc(['cli']) },
    },
    {
      name: 'cli-not-over-testing',
      comment: 'the CLI sits on everything below it, but not on fal-budget/testing (fast-check is an optional peer)',
      severity: 'error',
      from: { path: inSrc(['cli']) },
      to: { path: inSrc(['testing']) },
    },
    {
      name: 'no-circular',
      comment: 'no module reaches itself, type imports included',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import the checker cannot resolve would escape every rule above',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    // Type-only imports count: a type cycle or a type import across layers is a dependency too.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    // Resolve packages as Node's ESM loader does (mp4box exports only import/require conditions).
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'types', 'default'] },
  },
};
