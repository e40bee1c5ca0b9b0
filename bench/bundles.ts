import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { AUTHORIZER_ENTRY, ROUTES } from '../lambdas/routes.ts';
import { BUNDLE_OPTIONS } from '../lib/stack/bundling.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const BASELINE = 'bareGetHandler';
/** A get in the common Powertools style (Logger, Metrics, Tracer, Middy): reported beside the service, not held to a bar. */
export const REFERENCE = 'referenceGetHandler';

export interface Bundle {
  name: string;
  file: string;
  bytes: number;
}

/** Every function's bundle, built exactly as CDK builds it, plus the baseline's, with esbuild metafiles beside them. */
export async function buildBundles(outdir: string): Promise<Bundle[]> {
  const entries: [string, string][] = [
    [BASELINE, 'bench/bare-get-handler.ts'],
    [REFERENCE, 'bench/reference-get-handler.ts'],
    ['authorizer', AUTHORIZER_ENTRY],
    ...ROUTES.map((route): [string, string] => [route.operation, route.entry]),
  ];
  const bundles: Bundle[] = [];
  for (const [name, entry] of entries) {
    const dir = join(outdir, name);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'index.mjs');
    const result = await build({
      entryPoints: [join(ROOT, entry)],
      bundle: true,
      outfile: file,
      metafile: true,
      logLevel: 'error',
      format: BUNDLE_OPTIONS.format,
      platform: BUNDLE_OPTIONS.platform,
      target: BUNDLE_OPTIONS.target,
      minify: BUNDLE_OPTIONS.minify,
      mainFields: [...BUNDLE_OPTIONS.mainFields],
      banner: { js: BUNDLE_OPTIONS.banner },
    });
    writeFileSync(join(dir, 'meta.json'), JSON.stringify(result.metafile));
    bundles.push({ name, file, bytes: statSync(file).size });
  }
  return bundles;
}
