import { OutboundHttp } from './outbound-http';
import { TargetPolicy, type TargetPolicyOptions } from './target-policy';

/**
 * A feature's outbound targets: its policy, and the sender that only reaches what the policy
 * allows (webhooks and chat replies each hold one, with their own allowed hosts).
 */
export class OutboundTargets {
  readonly policy: TargetPolicy;
  readonly http: OutboundHttp;

  constructor(options: TargetPolicyOptions) {
    this.policy = new TargetPolicy(options);
    this.http = new OutboundHttp(this.policy);
  }
}
