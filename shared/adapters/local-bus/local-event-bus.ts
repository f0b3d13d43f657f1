import { type BusTarget, toBusEvent } from '../../domain/cross-province-rules.js';
import { type EventPattern, matchesPattern } from '../../domain/event-pattern.js';
import type { DomainEvent, EventPublisher } from '../../ports/runtime.js';

// The bus's event shape and targets are shared with the AWS side (webhooks), which must not load this file.
export { type BusTarget, toBusEvent } from '../../domain/cross-province-rules.js';

type Listener = (event: DomainEvent) => void | Promise<void>;

/**
 * The in-process bus of a local province, with EventBridge semantics where they matter: rules are
 * event patterns (the same ones CDK deploys) with targets. `publish` resolves once every matching
 * target accepted the event, so the outbox keeps anything a target could not take (e.g. a partner
 * that is down) and publishes it again later; targets must therefore tolerate duplicates.
 */
export class LocalEventBus implements EventPublisher {
  private readonly rules: { name: string; pattern: EventPattern; target: BusTarget }[] = [];
  private readonly listeners: Listener[] = [];
  private readonly recent: DomainEvent[] = [];

  constructor(private readonly keep = 1000) {}

  addRule(name: string, pattern: EventPattern, target: BusTarget): void {
    this.rules.push({ name, pattern, target });
  }

  /** in-process observers (demos, tests); they never block or fail publication */
  subscribe(listener: Listener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  async publish(events: DomainEvent[]): Promise<void> {
    for (const event of events) {
      const busEvent = toBusEvent(event);
      const failures: string[] = [];
      for (const rule of this.rules) {
        if (!matchesPattern(rule.pattern, busEvent)) continue;
        try {
          await rule.target(busEvent);
        } catch (err) {
          failures.push(`${rule.name}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      if (failures.length > 0) throw new Error(`delivery failed (${failures.join('; ')})`);
      this.recent.push(event);
      if (this.recent.length > this.keep) this.recent.shift();
      for (const listener of this.listeners) {
        queueMicrotask(() => {
          Promise.resolve(listener(event)).catch((err) => console.error('event listener failed', err));
        });
      }
    }
  }

  events(): readonly DomainEvent[] {
    return this.recent;
  }
}
