import { parseArgs } from 'node:util';
import { UsageError, runCommand } from '../lib/commands/command-line.ts';
import { DEFAULT_SCOPE, localIssuer } from '../lib/local/issuer.ts';

const usage = 'usage: npm run token -- --tenant <id> [--tenant <id> ...] [--sub <id>] [--scope "<scopes>"] [--expires-in <seconds>]';

await runCommand(usage, async () => {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string', multiple: true },
      sub: { type: 'string', default: 'local-user' },
      scope: { type: 'string', default: DEFAULT_SCOPE },
      'expires-in': { type: 'string', default: '3600' },
    },
    strict: true,
  });
  const tenants = values.tenant ?? [];
  if (tenants.length === 0) throw new UsageError('--tenant is required.');
  const expiresIn = Number(values['expires-in']);
  if (!/^\d+$/.test(values['expires-in']) || expiresIn < 1) throw new UsageError('--expires-in must be a whole number of seconds.');

  const issuer = await localIssuer(process.env.DATA_DIR ?? '.data');
  const token = await issuer.sign({
    tenant: tenants.length === 1 ? (tenants[0] as string) : tenants,
    sub: values.sub,
    scope: values.scope,
    expiresInSeconds: expiresIn,
  });
  console.error(`Token for tenant(s) ${tenants.join(', ')}, sub '${values.sub}', scope '${values.scope}', expires in ${expiresIn} s:`);
  console.log(token);
});
