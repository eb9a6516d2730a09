import { APP_CONFIG, AppConfig } from '@galera-cp/config';
import { Inject, Injectable } from '@nestjs/common';
import { OutboundHttp, TargetPolicy } from '@galera-cp/outbound';

/**
 * Where chat replies may go: a response URL on CHAT_RESPONSE_URL_HOSTS (Slack's by default)
 * that passes the same address checks as webhooks (OUTBOUND_* CIDRs).
 */
@Injectable()
export class ChatTargets {
  readonly policy: TargetPolicy;
  readonly http: OutboundHttp;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.policy = new TargetPolicy({
      allowedCidrs: config.outboundAllowedCidrs,
      deniedCidrs: config.outboundDeniedCidrs,
      allowedHosts: config.chatResponseUrlHosts,
      settings: { allowedHosts: 'CHAT_RESPONSE_URL_HOSTS' },
    });
    this.http = new OutboundHttp(this.policy);
  }
}
