/** Who makes a call: the API's functions (a client waits on it) or the local bulk runner's steps (nobody does). */
export type CallKind = 'interactive' | 'background';

/** How many background calls may be in the DynamoDB behind at once while the API is quiet. */
export const BACKGROUND_SLOTS = 4;
/** How many while the API is not quiet: one, so that a load always moves on. */
const BACKGROUND_SLOTS_BESIDE_THE_API = 1;
/**
 * The API counts as busy until this long after its last call ended: a request makes its calls one
 * after another, with the function's own work between them, and a client sends its requests in a row.
 */
const QUIET_AFTER_MS = 1_000;

/**
 * Interactive before background, at the laptop's one DynamoDB. In AWS a function's calls never queue
 * behind another function's: DynamoDB serves each at once, within the table's limits, which the
 * emulator keeps. DynamoDB Local serves every call of the laptop from one JVM on the cores the
 * gateway and the runner share, so a load's batch writes (each batch 20 BatchWriteItem calls at
 * once, four batches at a time) filled its queue, and another tenant's request waited seconds behind
 * them. Here the background calls wait for a slot before they are planned or sent on: four while the
 * API is quiet (a lone load goes as fast as before), one while an API call is in flight or ended
 * within the last second. The API's calls never wait here.
 */
export class InteractiveFirst {
  private interactive = 0;
  private background = 0;
  /** From an interactive call's start until QUIET_AFTER_MS after the last one in flight ended. */
  private apiBusy = false;
  private quietTimer: NodeJS.Timeout | undefined;
  private readonly waiting: (() => void)[] = [];
  /** Background calls that had to wait for their slot. */
  private waited = 0;
  /** The most background calls in DynamoDB when an interactive call went in. */
  private mostBeside = 0;

  /** Waits for the call's turn (a background call) or not at all (interactive); answers what to call once it is answered. */
  async enter(kind: CallKind): Promise<() => void> {
    if (kind === 'interactive') {
      this.interactive++;
      this.apiBusy = true;
      clearTimeout(this.quietTimer);
      this.mostBeside = Math.max(this.mostBeside, this.background);
      return () => this.interactiveEnded();
    }
    if (this.waiting.length === 0 && this.background < this.slots()) this.background++;
    else {
      this.waited++;
      // The slot is taken for this call when it is handed over (letWaitingIn), so none is lost between.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    return () => {
      this.background--;
      this.letWaitingIn();
    };
  }

  report(): { backgroundWaited: number; mostBackgroundBesideInteractive: number } {
    return { backgroundWaited: this.waited, mostBackgroundBesideInteractive: this.mostBeside };
  }

  private slots(): number {
    return this.apiBusy ? BACKGROUND_SLOTS_BESIDE_THE_API : BACKGROUND_SLOTS;
  }

  private interactiveEnded(): void {
    this.interactive--;
    if (this.interactive > 0) return;
    // Quiet once no API call came for a while: then the waiting calls take the slots it gives back.
    this.quietTimer = setTimeout(() => {
      this.apiBusy = false;
      this.letWaitingIn();
    }, QUIET_AFTER_MS);
    this.quietTimer.unref();
  }

  private letWaitingIn(): void {
    while (this.waiting.length > 0 && this.background < this.slots()) {
      this.background++;
      (this.waiting.shift() as () => void)();
    }
  }
}
