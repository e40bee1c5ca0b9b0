import { randomUUID } from 'node:crypto';

/** A message as the queue holds it. */
export interface QueuedMessage {
  messageId: string;
  body: string;
  groupId: string | undefined;
  sentAt: number;
  /** How often it was received; past `maxReceives` the next receive moves it to the dead letters instead. */
  receives: number;
  /** When it can be received (again): after its delay, or its visibility timeout after a receive. */
  visibleAt: number;
  /** The handle of its latest receive: a delete or a release must name it. */
  receipt: string | undefined;
}

export interface LocalQueueOptions {
  /** How long a received message stays hidden unless deleted (the queue's visibility timeout). */
  visibilityTimeoutMs: number;
  /** The redrive policy's maxReceiveCount: a message received this often moves to the dead letters at its next receive. */
  maxReceives: number;
  now?: () => number;
}

/**
 * A standard SQS queue with a redrive policy, as the queue of processing starts is in AWS: a message
 * is delivered after its delay, hidden for the visibility timeout once received, delivered again unless
 * deleted in that time, and moved to the dead letters once received `maxReceives` times. As a fair
 * queue (the messages' `MessageGroupId` names their tenant), a receive takes the groups in turn, so one
 * group's backlog never delays another's first message. Held in memory: the local service's queue
 * lasts as long as the service.
 */
export class LocalQueue {
  readonly deadLetters: QueuedMessage[] = [];
  private readonly messages = new Map<string, QueuedMessage>();
  private readonly options: Required<LocalQueueOptions>;
  private readonly waiting = new Set<() => void>();
  /** The group the next receive starts after, so that the groups take turns. */
  private lastGroup: string | undefined;

  constructor(options: LocalQueueOptions) {
    this.options = { now: Date.now, ...options };
  }

  send(body: string, options: { delaySeconds?: number; groupId?: string } = {}): string {
    const messageId = randomUUID();
    const now = this.options.now();
    this.messages.set(messageId, {
      messageId,
      body,
      groupId: options.groupId,
      sentAt: now,
      receives: 0,
      visibleAt: now + (options.delaySeconds ?? 0) * 1000,
      receipt: undefined,
    });
    this.wake();
    return messageId;
  }

  /** Up to `max` visible messages (copies, as SQS answers them), each hidden for the visibility timeout under a new receipt, the groups in turn. */
  receive(max: number): QueuedMessage[] {
    const now = this.options.now();
    const byGroup = new Map<string, QueuedMessage[]>();
    for (const message of this.messages.values()) {
      if (message.visibleAt > now) continue;
      if (message.receives >= this.options.maxReceives) {
        this.messages.delete(message.messageId);
        this.deadLetters.push(message);
        continue;
      }
      const group = message.groupId ?? '';
      const list = byGroup.get(group) ?? [];
      if (list.length < max) list.push(message);
      byGroup.set(group, list);
    }
    const groups = [...byGroup.keys()].sort();
    const after = this.lastGroup === undefined ? 0 : groups.findIndex((group) => group > (this.lastGroup as string));
    const order = after <= 0 ? groups : [...groups.slice(after), ...groups.slice(0, after)];
    const taken: QueuedMessage[] = [];
    for (let round = 0; taken.length < max && order.some((group) => (byGroup.get(group) as QueuedMessage[]).length > round); round += 1) {
      for (const group of order) {
        const message = (byGroup.get(group) as QueuedMessage[])[round];
        if (!message || taken.length >= max) continue;
        message.receives += 1;
        message.visibleAt = now + this.options.visibilityTimeoutMs;
        message.receipt = randomUUID();
        taken.push({ ...message });
        this.lastGroup = group;
      }
    }
    return taken;
  }

  /** Deletes a received message; a receipt no longer current (the message was received again since) deletes nothing, as SQS. */
  delete(messageId: string, receipt: string): void {
    if (this.messages.get(messageId)?.receipt === receipt) this.messages.delete(messageId);
  }

  /** How many messages wait (visible or not) and how many are dead letters. */
  depth(): { waiting: number; deadLetters: number } {
    return { waiting: this.messages.size, deadLetters: this.deadLetters.length };
  }

  /** When the next message becomes visible, or undefined with none waiting. */
  nextVisibleAt(): number | undefined {
    let next: number | undefined;
    for (const message of this.messages.values()) if (next === undefined || message.visibleAt < next) next = message.visibleAt;
    return next;
  }

  /** Resolves at the next send, or after `ms`, whichever comes first (a long poll). */
  waitForMessages(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiting.add(done);
    });
  }

  private wake(): void {
    for (const done of [...this.waiting]) done();
  }
}
