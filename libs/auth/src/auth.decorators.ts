import type { Role } from '@galera-cp/core';
import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'galera-cp:public';
export const REQUIRED_ROLE = 'galera-cp:role';
export const PREVIEWABLE = 'galera-cp:previewable';

/** The route needs no token (health, metrics, docs, chat webhooks that verify their own signature). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The least role the route needs. Without it: `viewer` for reads, `operator` for writes.
 */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

/** How a route answers a dry run of a principal below the real call's role. */
export interface PreviewOptions {
  /** Answer fields that role may not read (e.g. a webhook's URL, a token's prefix): masked as {@link REDACTED}. */
  redact?: string[];
}

/** What a masked field of a preview holds. */
export const REDACTED = '(redacted: needs the role of the real call)';

/**
 * The route takes `dryRun=true`, and a dry run needs only the `viewer` role: it changes nothing
 * and answers the plan or the refusal the real call would get. The real call keeps its role.
 */
export const Previewable = (options: PreviewOptions = {}) => SetMetadata(PREVIEWABLE, options);
