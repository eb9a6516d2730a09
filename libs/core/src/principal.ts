/** Roles, from least to most powerful. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** True when `held` is at least `needed`. */
export function roleAllows(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}

/** Who is acting: an API token, a chat user mapped to a role, or the system itself. */
export interface Principal {
  /** Stable id for audit: a token id (`tk_…`), `chat:<team>/<user>`, or `system`. */
  id: string;
  name: string;
  role: Role;
  kind: 'token' | 'chat' | 'system';
}

/** The control plane acting on its own (monitor, sweeper). */
export const SYSTEM_PRINCIPAL: Principal = { id: 'system', name: 'system', role: 'admin', kind: 'system' };
