import type { Principal } from '@galera-cp/core';
import type { Request } from 'express';

/** The request as the control plane decorates it: a request id always, a principal once authenticated. */
export interface RequestWithContext extends Request {
  requestId: string;
  principal?: Principal;
  /** Set by handlers for the audit trail: the target the request acted on. */
  auditTarget?: { type: string; id: string };
  /** Extra facts for the audit record (never secrets). */
  auditDetail?: Record<string, unknown>;
  /** A dry run let through for a role below the real call's: its answer keeps out what that role cannot read. */
  previewBelowRole?: boolean;
}
