import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { Inject, Injectable } from '@nestjs/common';
import { OutboundTargets } from '@galera-cp/outbound';

/**
 * Where chat replies may go: a response URL on CHAT_RESPONSE_URL_HOSTS (Slack's by default)
 * that passes the same address checks as webhooks (OUTBOUND_* CIDRs).
 */
@Injectable()
export class ChatTargets extends OutboundTargets {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({
      allowedCidrs: config.outboundAllowedCidrs,
      deniedCidrs: config.outboundDeniedCidrs,
      allowedHosts: config.chatResponseUrlHosts,
      settings: { allowedHosts: 'CHAT_RESPONSE_URL_HOSTS' },
    });
  }
}
