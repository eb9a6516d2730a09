import type { Role } from '@galera-cp/core';
import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'galera-cp:public';
export const REQUIRED_ROLE = 'galera-cp:role';

/** The route needs no token (health, metrics, docs, chat webhooks that verify their own signature). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The least role the route needs. Without it: `viewer` for reads, `operator` for writes.
 */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);
