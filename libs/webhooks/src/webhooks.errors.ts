import { DomainError } from '@galera-cp/core';

/** The errors of webhooks, with their stable codes. */
export const webhookErrors = {
  notFound: (id: string) => new DomainError('not_found', 'WEBHOOK_NOT_FOUND', `Webhook ${id} does not exist`),
  targetRefused: (reason: string) => new DomainError('invalid', 'WEBHOOK_TARGET_REFUSED', `The webhook URL is refused: ${reason}`, { errors: [{ pointer: '/url', detail: reason }] }),
  invalid: (pointer: string, detail: string) => new DomainError('invalid', 'VALIDATION_FAILED', `${pointer}: ${detail}`, { errors: [{ pointer, detail }] }),
};
