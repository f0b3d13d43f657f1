import type { Clock, DomainEvent, EventPublisher } from '../ports/runtime.js';
import { type LogFields, METRICS, type Metrics } from '../ports/telemetry.js';
import type { SweepReport } from './sweeper.js';

/**
 * The decisions counted by the `Decisions` metric: the domain events that record one, and the
 * `decision` dimension each is counted under. Counted as the relay publishes them (every committed
 * event passes there exactly once unless a publish is retried), so no service has to emit anything.
 */
export const DECISION_EVENTS: Readonly<Record<string, string>> = {
  ProjectAdmitted: 'admit',
  AdmissionRejected: 'refuseAdmission',
  CaseAccepted: 'accept',
  CaseAcceptedWithDeficiencies: 'acceptWithDeficiencies',
  ItemCorrectionRequested: 'requestCorrection',
  RequestRefused: 'refuse',
  ItemApproved: 'approve',
  ItemApprovedOnCommitment: 'approveOnCommitment',
  RefusalProposed: 'proposeRefusal',
  ItemRejected: 'reject',
  ItemRecognised: 'recognise',
  StageApproved: 'approveStage',
  StageRejected: 'rejectStage',
};

export interface PublishWatch {
  /** the publisher to give the relay: forwards to the bus and remembers what went out */
  publisher: EventPublisher;
  /** emits what was published since the last call (relay lag, decisions) and forgets it */
  emit(metrics: Metrics): void;
}

/**
 * Watches the relay's publishing for its metrics. Relay lag is the age of the oldest event published
 * in a run (now − the event's time, which is its commit time): how far delivery is behind.
 */
export function watchPublishing(inner: EventPublisher, clock: Clock): PublishWatch {
  let oldest: number | undefined;
  let decisions = new Map<string, number>();
  return {
    publisher: {
      async publish(events: DomainEvent[]) {
        await inner.publish(events);
        for (const event of events) {
          const at = Date.parse(event.time);
          if (Number.isFinite(at)) oldest = oldest === undefined ? at : Math.min(oldest, at);
          const decision = DECISION_EVENTS[event.type];
          if (decision) decisions.set(decision, (decisions.get(decision) ?? 0) + 1);
        }
      },
    },
    emit(metrics: Metrics) {
      if (oldest !== undefined) {
        metrics.add(METRICS.relayLag, 'Milliseconds', Math.max(0, clock.now().getTime() - oldest));
      }
      for (const [decision, count] of decisions) metrics.add(METRICS.decisions, 'Count', count, { decision });
      oldest = undefined;
      decisions = new Map();
    },
  };
}

/** What a sweep run adds to the metrics and its log line (the same on Lambda and locally). */
export function recordSweep(report: SweepReport, durationMs: number, metrics: Metrics): LogFields {
  const overdue = report.lampChanges.filter((l) => l.lamp === 'red');
  metrics.add(METRICS.sweepDuration, 'Milliseconds', Math.round(durationMs));
  metrics.add(METRICS.itemsOverdue, 'Count', overdue.length);
  const { lampChanges, escalations, ...counts } = report;
  return {
    ...counts,
    lampChanges: lampChanges.length,
    escalations: escalations.length,
    ms: Math.round(durationMs),
    // the first few, enough to find them; the metric has the count
    overdue: overdue.slice(0, 20).map((l) => `${l.caseId}/${l.itemCode}`),
  };
}

/** What a relay run adds to the metrics (with what the watch saw it publish). */
export function recordRelay(
  report: { published: number; failed: number },
  watch: PublishWatch,
  metrics: Metrics,
): void {
  watch.emit(metrics);
  metrics.add(METRICS.relayPublished, 'Count', report.published);
  metrics.add(METRICS.relayFailures, 'Count', report.failed);
}
