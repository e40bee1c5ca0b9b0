/**
 * The layer rules of lambdas/ and lib/ (docs/architecture.md draws them), checked by `npm run lint`:
 * handlers -> http layer -> use cases -> domain and ports; adapters (one folder per service they talk
 * to) -> ports and domain, never each other; only the composition root builds adapters; nothing in
 * lambdas/ reaches into lib/; in lib/, the local run and the stack never import the commands; the
 * bench never imports the tests (what both use is in testkit/, which imports neither); no cycles, in
 * any folder (`npm run lint` cruises lambdas, lib, bin, test, bench and testkit).
 */
const ADAPTERS = '^lambdas/adapters/';

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'lambdas-not-lib',
      comment: 'The functions are bundled on their own: they never import the CDK app, the local emulation or the commands.',
      severity: 'error',
      from: { path: '^lambdas/' },
      to: { path: '^(lib|bin|test|bench|testkit)/' },
    },
    {
      name: 'domain-is-pure',
      comment: 'The domain knows nothing of HTTP, storage, processing or wiring.',
      severity: 'error',
      from: { path: '^lambdas/domain/' },
      to: { path: '^lambdas/(?!domain/)' },
    },
    {
      name: 'use-cases-see-ports',
      comment: 'Use cases reach storage and processing through their ports, never an adapter, the HTTP layer or the wiring.',
      severity: 'error',
      from: { path: '^lambdas/use-cases/' },
      to: { path: `${ADAPTERS}|^lambdas/(http|handlers)/|^lambdas/composition/` },
    },
    {
      name: 'ports-see-the-domain',
      comment: "A port is an interface in the domain's terms: it imports the domain and other ports, nothing else of lambdas/.",
      severity: 'error',
      from: { path: '^lambdas/ports/' },
      to: { path: '^lambdas/(?!domain/|ports/)' },
    },
    {
      name: 'adapters-below-use-cases',
      comment: 'Adapters implement ports for the domain; they never call up into use cases, HTTP or handlers.',
      severity: 'error',
      from: { path: ADAPTERS },
      to: { path: '^lambdas/(use-cases|http|handlers|auth)/|^lambdas/composition/' },
    },
    {
      name: 'adapters-apart',
      comment: 'Each folder of adapters talks to one service (DynamoDB, S3, Step Functions, ...); they do not import each other.',
      severity: 'error',
      from: { path: '^lambdas/adapters/([^/]+)/' },
      to: { path: '^lambdas/adapters/', pathNot: '^lambdas/adapters/$1/' },
    },
    {
      name: 'lib-one-way',
      comment: 'The local run and the stack are what the commands drive; they never import a command.',
      severity: 'error',
      from: { path: '^lib/(local|stack)/' },
      to: { path: '^lib/commands/' },
    },
    {
      name: 'bench-not-tests',
      comment: 'The bench measures the product; what it shares with the tests (bodies, events, environments) is in testkit/.',
      severity: 'error',
      from: { path: '^bench/' },
      to: { path: '^test/' },
    },
    {
      name: 'testkit-stands-alone',
      comment: 'testkit/ serves the tests and the bench alike, so it imports neither.',
      severity: 'error',
      from: { path: '^testkit/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'product-not-test-code',
      comment: 'The product (lib/, bin/) never imports the tests, the bench or the testkit.',
      severity: 'error',
      from: { path: '^(lib|bin)/' },
      to: { path: '^(test|bench|testkit)/' },
    },
    {
      name: 'lib-not-tools',
      comment:
        'The tools (the capacity model) are read by their commands and the tests; the stack, the local run and the commands never import them.',
      severity: 'error',
      from: { path: '^lib/', pathNot: '^lib/tools/' },
      to: { path: '^lib/tools/' },
    },
    {
      name: 'http-layer-below-handlers',
      comment:
        'The HTTP layer serves the handlers and calls use cases; it never imports a handler, an adapter or the composition root (handlers hand their resolver in).',
      severity: 'error',
      from: { path: '^lambdas/http/' },
      to: { path: `^lambdas/handlers/|${ADAPTERS}|^lambdas/composition/` },
    },
    {
      name: 'only-composition-builds-adapters',
      comment: 'Within lambdas/, adapters are built by the composition root alone.',
      severity: 'error',
      from: { path: '^lambdas/', pathNot: `^lambdas/composition/|${ADAPTERS}` },
      to: { path: ADAPTERS },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(node_modules|bench/\\.out|cdk\\.out)' },
  },
};
