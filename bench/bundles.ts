import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { BASELINES, type BaselineName, FUNCTIONS } from './baselines/pairing.ts';
import { BUNDLE_OPTIONS } from '../lib/stack/bundling.ts';

export const ROOT = resolve(import.meta.dirname, '..');
/** The bundle-size baseline: the bare get (bench/baselines/get.ts). */
export const BASELINE = 'baseline:get';
/** A get in the common Powertools style (Logger, Metrics, Tracer, Middy): reported beside the service, not held to a bar. */
export const REFERENCE = 'referenceGetHandler';
const baselineBundleName = (baseline: BaselineName): string => `baseline:${baseline}`;

export interface Bundle {
  name: string;
  file: string;
  bytes: number;
  /** The export that is the handler. */
  exportName: string;
  /** Which kind of bundle: a function of the stack, a baseline, or the reference get. */
  kind: 'function' | 'baseline' | 'reference';
  /** For a function (and the reference): the baseline bundle it pairs with. */
  pairsWith?: string;
}

/** Every function's bundle, built exactly as CDK builds it, and every baseline's, with esbuild metafiles beside them. */
export async function buildBundles(outdir: string): Promise<Bundle[]> {
  const built = new Map<string, { file: string; bytes: number }>();
  const bundleOf = async (entry: string): Promise<{ file: string; bytes: number }> => {
    const known = built.get(entry);
    if (known) return known;
    const dir = join(outdir, entry.replace(/[/.]/g, '_'));
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
    const bundle = { file, bytes: statSync(file).size };
    built.set(entry, bundle);
    return bundle;
  };
  const bundles: Bundle[] = [];
  for (const [baseline, entry] of Object.entries(BASELINES) as [BaselineName, string][]) {
    bundles.push({ name: baselineBundleName(baseline), ...(await bundleOf(entry)), exportName: 'handler', kind: 'baseline' });
  }
  bundles.push({
    name: REFERENCE,
    ...(await bundleOf('bench/reference-get-handler.ts')),
    exportName: 'handler',
    kind: 'reference',
    pairsWith: BASELINE,
  });
  for (const fn of FUNCTIONS) {
    bundles.push({
      name: fn.name,
      ...(await bundleOf(fn.entry)),
      exportName: fn.exportName,
      kind: 'function',
      pairsWith: baselineBundleName(fn.baseline),
    });
  }
  return bundles;
}
