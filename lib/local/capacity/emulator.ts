import { CapacityLedger } from './ledger.ts';
import { startEmulatorEndpoint } from './proxy.ts';
import { type CapacitySettings, effective } from './settings.ts';
import { upstreamSender } from './signing.ts';

export interface CapacityEmulator {
  /** Where the SDK is pointed instead of the DynamoDB behind. */
  url: string;
  /** What it has done so far: calls, throttles by reason and resource, transaction conflicts. */
  report(): ReturnType<CapacityLedger['report']>;
  stop(): Promise<void>;
}

/**
 * The capacity emulator (docs/capacity.md): an endpoint in front of `upstream` (DynamoDB Local, or
 * any DynamoDB) that throttles and refuses as DynamoDB does at its limits, by `settings`.
 */
export async function startCapacityEmulator(upstream: string, settings: CapacitySettings, now?: () => number): Promise<CapacityEmulator> {
  const ledger = new CapacityLedger(effective(settings), now);
  const endpoint = await startEmulatorEndpoint(ledger, upstreamSender(upstream));
  return { url: endpoint.url, report: () => ledger.report(), stop: endpoint.stop };
}
