import { Duration, Stack, Token } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { AccountPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  CROSS_PROVINCE_EVENT_TYPES,
  eventSource,
  forwardPattern,
} from '../../shared/domain/cross-province-rules.js';
import { eventBusArn, eventBusName, type PartnerLink } from '../config.js';

export interface EventsProps {
  province: string;
  partners: PartnerLink[];
}

/**
 * The province's bus and its links to partner provinces. Peer buses are addressed by ARNs built
 * from config (no lookups), so each province's stack deploys on its own. The rule patterns come
 * from shared/domain/cross-province-rules.ts, the same ones the local bus evaluates.
 */
export class Events extends Construct {
  readonly bus: EventBus;
  /** events a forwarding rule could not deliver to a partner's bus (after EventBridge's retries) */
  readonly forwardDeadLetters: Queue | undefined;

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { eventBusName: eventBusName(props.province) });
    if (props.partners.length === 0) return;

    this.forwardDeadLetters = new Queue(this, 'ForwardDeadLetters', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    const account = Stack.of(this).account;
    for (const partner of props.partners) {
      // Outbound: only the cross-province events this province published itself and addressed to
      // this partner; a partner's events that arrived here are never sent back (no loops). The
      // target gets a role of its own, allowed to put events on this partner's bus only.
      new Rule(this, `To${partner.code}`, {
        eventBus: this.bus,
        description: `forward ${props.province} cross-province events to partner ${partner.code}`,
        eventPattern: forwardPattern(props.province, partner.code),
        targets: [
          new EventBusTarget(EventBus.fromEventBusArn(this, `${partner.code}Bus`, eventBusArn(partner)), {
            deadLetterQueue: this.forwardDeadLetters,
          }),
        ],
      });
      // Inbound: the partner's forwarding rule puts events on this bus from its own account, and
      // only events with the partner's own source and a cross-province type. The receiver still
      // verifies each payload's signature; the policy only opens the door. A partner in this very
      // account needs no policy (its rule role's own permissions suffice).
      if (!Token.isUnresolved(account) && account === partner.account) continue;
      this.bus.addToResourcePolicy(
        new PolicyStatement({
          sid: `From${partner.code}`,
          principals: [new AccountPrincipal(partner.account)],
          actions: ['events:PutEvents'],
          resources: [this.bus.eventBusArn],
          conditions: {
            StringEquals: {
              'events:source': [eventSource(partner.code)],
              'events:detail-type': [...CROSS_PROVINCE_EVENT_TYPES],
            },
          },
        }),
      );
    }
  }
}
