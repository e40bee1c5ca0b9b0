import { InteractiveFirst } from './interactive-first.ts';
import { CapacityLedger } from './ledger.ts';
import { startEmulatorEndpoint } from './proxy.ts';
import { type CapacitySettings, effective } from './settings.ts';
import { upstreamSender } from './signing.ts';

type Report = ReturnType<CapacityLedger['report']> & ReturnType<InteractiveFirst['report']>;

export interface CapacityEmulator {
  /** Where the SDK is pointed instead of the DynamoDB behind. */
  url: string;
  /** Where the local bulk runner points its SDK: its calls wait for the API's (interactive-first.ts). */
  backgroundUrl: string;
  /** What it has done so far: calls, throttles by reason and resource, transaction conflicts, background calls that waited. */
  report(): Report;
  stop(): Promise<void>;
}

/**
 * The capacity emulator (docs/capacity.md): an endpoint in front of `upstream` (DynamoDB Local, or
 * any DynamoDB) that throttles and refuses as DynamoDB does at its limits, by `settings`, and serves
 * the API's calls before the background's.
 */
export async function startCapacityEmulator(upstream: string, settings: CapacitySettings, now?: () => number): Promise<CapacityEmulator> {
  const ledger = new CapacityLedger(effective(settings), now);
  const order = new InteractiveFirst();
  const endpoint = await startEmulatorEndpoint(ledger, upstreamSender(upstream), order);
  return {
    url: endpoint.url,
    backgroundUrl: endpoint.backgroundUrl,
    report: () => {
      const capacity = ledger.report();
      const turns = order.report();
      const waited = turns.backgroundWaited > 0 ? `; ${turns.backgroundWaited} calls of the bulk runner waited for the API's` : '';
      return { ...capacity, ...turns, line: `${capacity.line}${waited}` };
    },
    stop: endpoint.stop,
  };
}
