/**
 * The node health rule as a check the server answers itself, for orchestrators that judge a node
 * by running a command next to it (a Kubernetes readiness probe) rather than by reading its
 * status into {@link assessNodeHealth}.
 */
import type { NodeHealthPolicy } from './node-health';
import { GaleraRuleError } from './problems';

/** One condition of the health rule, on one `SHOW GLOBAL STATUS` variable. */
export interface HealthProbeCheck {
  /** The status variable, as `information_schema.GLOBAL_STATUS` names it (upper case). */
  variable: 'WSREP_CONNECTED' | 'WSREP_CLUSTER_STATUS' | 'WSREP_READY' | 'WSREP_LOCAL_STATE_COMMENT';
  /** `equals`: the value, case-insensitive, is one of `accepted`; `prefix`: it starts with one of them. */
  match: 'equals' | 'prefix';
  /** Accepted values, lower case. */
  accepted: readonly string[];
}

/** A health check a server answers: run `sql`; the node may serve traffic exactly when it prints `expected`. */
export interface NodeHealthProbe {
  /** The checks, in the order the rule states them. */
  checks: readonly HealthProbeCheck[];
  /** One `SELECT` over `information_schema.GLOBAL_STATUS`; no quotes other than single ones, no semicolon. */
  sql: string;
  /** What `sql` prints (with `mariadb -N -B`) when every check passes. */
  expected: '1';
}

/** How `parseWsrepStatus` reads ON/OFF values: these read as ON. */
const ON_VALUES = ['on', '1', 'true', 'yes'] as const;

/**
 * The health rule as checks: `wsrep_connected = ON`, `wsrep_cluster_status = Primary`,
 * `wsrep_ready = ON`, and `wsrep_local_state_comment` Synced (or Donor/Desynced when the policy
 * lets a donor serve). Values are read as {@link assessNodeHealth} reads them: ON also as 1, TRUE
 * or YES; the state comment by its leading word ("Synced", "Donor/Desynced"). The probe reads the
 * comment only, which MariaDB always reports; {@link assessNodeHealth} falls back to the number in
 * `wsrep_local_state` when the comment is missing.
 */
export function nodeHealthProbeChecks(policy: NodeHealthPolicy = {}): HealthProbeCheck[] {
  return [
    { variable: 'WSREP_CONNECTED', match: 'equals', accepted: ON_VALUES },
    { variable: 'WSREP_CLUSTER_STATUS', match: 'equals', accepted: ['primary'] },
    { variable: 'WSREP_READY', match: 'equals', accepted: ON_VALUES },
    { variable: 'WSREP_LOCAL_STATE_COMMENT', match: 'prefix', accepted: policy.donorServesTraffic ? ['synced', 'donor'] : ['synced'] },
  ];
}

/** A single-quoted SQL string of a value from the fixed vocabulary above (no quote can reach here). */
function sqlString(value: string): string {
  if (!/^[A-Za-z0-9_/%-]+$/.test(value)) throw new GaleraRuleError('PROBE_VALUE_UNSAFE', `health probe value not safe in SQL: ${value}`);
  return `'${value}'`;
}

function checkSql(check: HealthProbeCheck): string {
  const value = 'LOWER(VARIABLE_VALUE)';
  const accepted = check.match === 'equals' ? `${value} IN (${check.accepted.map(sqlString).join(', ')})` : `(${check.accepted.map((a) => `${value} LIKE ${sqlString(`${a}%`)}`).join(' OR ')})`;
  return `(VARIABLE_NAME = ${sqlString(check.variable)} AND ${accepted})`;
}

/**
 * The node health rule as one SQL query (see {@link nodeHealthProbeChecks}): it counts the checks
 * that pass and prints 1 exactly when all of them do. Meant for
 * `mariadb -N -B -e "<sql>"` in a probe that compares the output with {@link NodeHealthProbe.expected}.
 */
export function nodeHealthProbe(policy: NodeHealthPolicy = {}): NodeHealthProbe {
  const checks = nodeHealthProbeChecks(policy);
  const sql = `SELECT COUNT(*) = ${checks.length} FROM information_schema.GLOBAL_STATUS WHERE ${checks.map(checkSql).join(' OR ')}`;
  return { checks, sql, expected: '1' };
}
