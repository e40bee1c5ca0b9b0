/**
 * The layer rules of lambdas/ (docs/architecture.md draws them), checked by `npm run lint`:
 * handlers -> http layer -> use cases -> domain and ports; adapters -> ports and domain; only the
 * composition root builds adapters; nothing in lambdas/ reaches into lib/; no cycles.
 */
const ADAPTERS =
  '^lambdas/(storage/(dynamodb-|document-client|attribute-values|record-items|s3-|local-upload-targets)|processing/step-functions-|auth/(jose-token-verifier|http-jwks)|secrets/)';

module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'lambdas-not-lib',
      comment: 'The functions are bundled on their own: they never import the CDK app, the local emulation or the commands.',
      severity: 'error',
      from: { path: '^lambdas/' },
      to: { path: '^(lib|bin|test|bench)/' },
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
      to: { path: `${ADAPTERS}|^lambdas/(http|handlers)/|^lambdas/composition\\.ts` },
    },
    {
      name: 'adapters-below-use-cases',
      comment: 'Adapters implement ports for the domain; they never call up into use cases, HTTP or handlers.',
      severity: 'error',
      from: { path: '^lambdas/(storage|processing|auth|secrets)/' },
      to: { path: '^lambdas/(use-cases|http|handlers)/|^lambdas/composition\\.ts' },
    },
    {
      name: 'http-layer-below-handlers',
      comment: 'The HTTP layer serves the handlers and calls use cases; it never imports a handler or an adapter.',
      severity: 'error',
      from: { path: '^lambdas/http/' },
      to: { path: `^lambdas/handlers/|${ADAPTERS}` },
    },
    {
      name: 'only-composition-builds-adapters',
      comment: 'Within lambdas/, adapters are built by the composition root alone.',
      severity: 'error',
      from: { path: '^lambdas/', pathNot: `^lambdas/composition\\.ts|${ADAPTERS}` },
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
