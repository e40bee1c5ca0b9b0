import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/stack/app.ts';

/** The context of cdk.json (the feature flags among it), as `npx cdk` hands it to the app. */
const CDK_JSON_CONTEXT = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')).context as Record<string, unknown>;

export const BASE_CONTEXT = {
  ...CDK_JSON_CONTEXT,
  issuer: 'https://issuer.example.com/',
  jwksUrl: 'https://issuer.example.com/.well-known/jwks.json',
  audience: 'billing-run-actions',
  tenantClaim: 'tenant_id',
};

/** Skips esbuild where a test only needs the template. */
export const NO_BUNDLING = { 'aws:cdk:bundling-stacks': [] };

export function synth(context: Record<string, unknown> = {}) {
  const outdir = mkdtempSync(join(tmpdir(), 'bra-cdk-'));
  const { app, stack } = buildApp({ outdir, context: { ...BASE_CONTEXT, ...context } });
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
  return { outdir, assembly, report, stack, template: Template.fromStack(stack) };
}

type Resources = Record<string, { Type: string; Properties: Record<string, any> }>;
/** The template's resources of one type, as [logical id, resource]. */
export const ofType = (template: Template, type: string) =>
  Object.entries(template.toJSON().Resources as Resources).filter(([, resource]) => resource.Type === type);

/** The DynamoDB actions in a function's policy, per table logical id. */
export function tableActionsOf(template: Template, operation: string): Record<string, string[]> {
  const [, policy] = ofType(template, 'AWS::IAM::Policy').find(([id]) => id.startsWith(`${operation}Role`)) ?? [];
  const actions: Record<string, string[]> = {};
  for (const statement of policy?.Properties.PolicyDocument.Statement ?? []) {
    const list = [statement.Action].flat().filter((action: string) => action.startsWith('dynamodb:'));
    if (list.length === 0) continue;
    const target = JSON.stringify(statement.Resource).match(/"(Records|Tenants|Summaries)\w*"/)?.[1] as string;
    (actions[target] ??= []).push(...list);
  }
  return actions;
}

const run = promisify(execFile);

/** Runs one deployed bundle's handler in a fresh Node process, as Lambda would, and returns its result. */
export async function invokeBundle(
  synthesized: { outdir: string; template: Template },
  operation: string,
  event: unknown,
  environment: Record<string, string>,
): Promise<any> {
  const [, fn] = ofType(synthesized.template, 'AWS::Lambda::Function').find(([id]) => id.startsWith(`${operation}Function`)) ?? [];
  const assetHash = String(fn?.Properties.Code.S3Key).replace(/\.zip$/, '');
  const bundle = join(synthesized.outdir, `asset.${assetHash}`, 'index.mjs');
  const script = `const { handler } = await import(${JSON.stringify(bundle)});
    const result = await handler(JSON.parse(process.env.EVENT), { awsRequestId: 'bundle-test', getRemainingTimeInMillis: () => 10000 });
    process.stdout.write('RESULT ' + JSON.stringify(result) + '\\n');`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, EVENT: JSON.stringify(event), POWERTOOLS_LOG_LEVEL: 'SILENT', ...environment },
  });
  // The function's own output (its EMF metric lines) comes first; the result is the marked line.
  const line = stdout.split('\n').find((candidate) => candidate.startsWith('RESULT ')) as string;
  return JSON.parse(line.slice('RESULT '.length));
}
