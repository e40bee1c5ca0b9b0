/**
 * How every function is bundled, in esbuild's terms: the CDK function construct passes these to
 * NodejsFunction, and the benchmarks build the very same bundles with esbuild directly.
 * ESM, minified, for Node 24, with the AWS SDK bundled in (not taken from the runtime).
 */
export const BUNDLE_OPTIONS = {
  format: 'esm',
  platform: 'node',
  target: 'node24',
  minify: true,
  mainFields: ['module', 'main'],
  // Some bundled CommonJS code calls require(); ESM has none of its own.
  banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
} as const;
