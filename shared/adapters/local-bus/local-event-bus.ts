import type { DomainEvent, EventPublisher } from '../../ports/runtime.js';

type Listener = (event: DomainEvent) => void | Promise<void>;

/**
 * The in-process event bus of a local province. Listeners run after the publishing request, and a
 * failing listener never fails the publisher; the recent events stay readable for demos and tests.
 */
export class LocalEventBus implements EventPublisher {
  private readonly listeners: Listener[] = [];
  private readonly recent: DomainEvent[] = [];

  constructor(private readonly keep = 1000) {}

  subscribe(listener: Listener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  async publish(events: DomainEvent[]): Promise<void> {
    for (const event of events) {
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
