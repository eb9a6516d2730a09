import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { Inject, Injectable } from '@nestjs/common';
import { OutboundHttp, TargetPolicy } from '@galera-cp/outbound';

/** The outbound policy of webhooks (OUTBOUND_* CIDRs, WEBHOOK_ALLOWED_HOSTS) and its guarded sender. */
@Injectable()
export class WebhookTargets {
  readonly policy: TargetPolicy;
  readonly http: OutboundHttp;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.policy = new TargetPolicy({
      allowedCidrs: config.outboundAllowedCidrs,
      deniedCidrs: config.outboundDeniedCidrs,
      allowedHosts: config.webhookAllowedHosts,
      settings: { allowedHosts: 'WEBHOOK_ALLOWED_HOSTS' },
    });
    this.http = new OutboundHttp(this.policy);
  }
}
