import { Stack, Token } from 'aws-cdk-lib';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { AccountPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { eventBusArn, eventBusName, type PartnerLink } from '../config.js';

export interface EventsProps {
  province: string;
  partners: PartnerLink[];
}

/** The EventBridge `source` of events published by a province (see EventBridgePublisher). */
export function eventSource(province: string): string {
  return `green-channel.${province}`;
}

/**
 * The province's bus and its links to partner provinces. Peer buses are addressed by ARNs built
 * from config (no lookups), so each province's stack deploys on its own.
 */
export class Events extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    this.bus = new EventBus(this, 'Bus', { eventBusName: eventBusName(props.province) });

    for (const partner of props.partners) {
      // Outbound: only events this province published itself, so a partner's events that arrived
      // here are never sent back (no loops between linked buses).
      new Rule(this, `To${partner.code}`, {
        eventBus: this.bus,
        description: `forward ${props.province} events to partner ${partner.code}`,
        eventPattern: { source: [eventSource(props.province)] },
        targets: [
          new EventBusTarget(EventBus.fromEventBusArn(this, `${partner.code}Bus`, eventBusArn(partner))),
        ],
      });
      // Inbound: the partner's forwarding rule puts events on this bus from its own account. The
      // receiver still verifies each result's signature; the policy only opens the door. A partner
      // in this very account needs no policy (its role's own permissions suffice).
      const account = Stack.of(this).account;
      if (!Token.isUnresolved(account) && account === partner.account) continue;
      this.bus.addToResourcePolicy(
        new PolicyStatement({
          sid: `From${partner.code}`,
          principals: [new AccountPrincipal(partner.account)],
          actions: ['events:PutEvents'],
          resources: [this.bus.eventBusArn],
        }),
      );
    }
  }
}
