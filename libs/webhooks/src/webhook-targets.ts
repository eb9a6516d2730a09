import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { Inject, Injectable } from '@nestjs/common';
import { OutboundTargets } from '@galera-cp/outbound';

/** The outbound policy of webhooks (OUTBOUND_* CIDRs, WEBHOOK_ALLOWED_HOSTS) and its guarded sender. */
@Injectable()
export class WebhookTargets extends OutboundTargets {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({
      allowedCidrs: config.outboundAllowedCidrs,
      deniedCidrs: config.outboundDeniedCidrs,
      allowedHosts: config.webhookAllowedHosts,
      settings: { allowedHosts: 'WEBHOOK_ALLOWED_HOSTS' },
    });
  }
}
