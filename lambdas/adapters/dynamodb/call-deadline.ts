import { outOfTime, writeOutcomeUnknown } from '../../domain/errors.ts';
import type { CallDeadline } from '../../ports/billing-run-action-repository.ts';

/**
 * Sends one storage call on the record `id` within its deadline (CallDeadline of the repository port):
 * not at all once the signal has aborted (out of time: nothing was sent); otherwise with the signal as
 * the SDK's `abortSignal`, which abandons the attempt in flight and makes no further one when it
 * aborts. A read so abandoned is out of time too; a write's outcome is unknown (it may have landed).
 */
export async function withinDeadline<T>(
  deadline: CallDeadline,
  call: { id: string; writes: boolean },
  send: (options: { abortSignal?: AbortSignal }) => Promise<T>,
): Promise<T> {
  const { signal } = deadline;
  if (!signal) return send({});
  if (signal.aborted) throw outOfTime(call.id);
  try {
    return await send({ abortSignal: signal });
  } catch (error) {
    if (!signal.aborted || (error as Error | undefined)?.name !== 'AbortError') throw error;
    throw call.writes ? writeOutcomeUnknown(call.id, { cause: error }) : outOfTime(call.id);
  }
}
