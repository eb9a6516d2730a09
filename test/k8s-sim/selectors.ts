import { badRequest } from './status';
import type { KubeObject } from './types';

/** One label requirement, as parsed from a `labelSelector` string or a LabelSelector object. */
export interface LabelRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** A parsed selector: every requirement must hold. An empty list selects everything. */
export type LabelSelector = LabelRequirement[];

/** metav1.LabelSelector as written in specs. */
export interface LabelSelectorSpec {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth += 1;
    if (ch === ')') depth -= 1;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

const labelKey = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * Parses the `labelSelector` query syntax: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`,
 * joined by commas. Throws 400 BadRequest on anything else.
 */
export function parseLabelSelector(text: string | undefined): LabelSelector {
  if (!text) return [];
  return splitTopLevel(text).map((part) => {
    let m = /^!\s*(\S+)$/.exec(part);
    if (m) return checked({ key: m[1]!, operator: 'DoesNotExist', values: [] }, part);
    m = /^(\S+?)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (m) {
      return checked({ key: m[1]!, operator: m[2] === '!=' ? 'NotIn' : 'In', values: [m[3]!] }, part);
    }
    m = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (m) {
      const values = m[3]!
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v.length > 0);
      return checked({ key: m[1]!, operator: m[2] === 'in' ? 'In' : 'NotIn', values }, part);
    }
    m = /^(\S+)$/.exec(part);
    if (m) return checked({ key: m[1]!, operator: 'Exists', values: [] }, part);
    throw badRequest(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
  });
}

function checked(requirement: LabelRequirement, source: string): LabelRequirement {
  if (!labelKey.test(requirement.key)) {
    throw badRequest(`unable to parse requirement: invalid label key "${requirement.key}" in "${source}"`);
  }
  return requirement;
}

/** Converts a LabelSelector spec (matchLabels + matchExpressions) to requirements. */
export function selectorFromSpec(spec: LabelSelectorSpec | undefined): LabelSelector {
  if (!spec) return [];
  const requirements: LabelSelector = Object.entries(spec.matchLabels ?? {}).map(([key, value]) => ({
    key,
    operator: 'In',
    values: [value],
  }));
  for (const expression of spec.matchExpressions ?? []) {
    requirements.push({
      key: expression.key,
      operator: expression.operator as LabelRequirement['operator'],
      values: expression.values ?? [],
    });
  }
  return requirements;
}

/** Renders requirements back to the query syntax (used by the /scale subresource's status.selector). */
export function formatLabelSelector(selector: LabelSelector): string {
  return selector
    .map((r) => {
      switch (r.operator) {
        case 'In':
          return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
        case 'NotIn':
          return r.values.length === 1 ? `${r.key}!=${r.values[0]}` : `${r.key} notin (${r.values.join(',')})`;
        case 'Exists':
          return r.key;
        case 'DoesNotExist':
          return `!${r.key}`;
      }
    })
    .join(',');
}

/** True when the labels satisfy every requirement. */
export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const set = labels ?? {};
  return selector.every((r) => {
    const has = Object.hasOwn(set, r.key);
    switch (r.operator) {
      case 'In':
        return has && r.values.includes(set[r.key]!);
      case 'NotIn':
        return !has || !r.values.includes(set[r.key]!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
    }
  });
}

/** One `fieldSelector` term. */
export interface FieldRequirement {
  field: string;
  equals: boolean;
  value: string;
}

/** Fields each kind can be selected on, beyond metadata.name and metadata.namespace. */
const selectableFields: Record<string, string[]> = {
  Pod: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'status.phase', 'status.podIP', 'status.nominatedNodeName'],
  Secret: ['type'],
  Namespace: ['status.phase'],
  PersistentVolumeClaim: [],
  Service: ['spec.clusterIP', 'spec.type'],
};

/** Parses `fieldSelector` (`a=b`, `a==b`, `a!=b`, comma-joined) for a kind; unknown fields are 400. */
export function parseFieldSelector(text: string | undefined, kind: string): FieldRequirement[] {
  if (!text) return [];
  const allowed = new Set(['metadata.name', 'metadata.namespace', ...(selectableFields[kind] ?? [])]);
  return splitTopLevel(text).map((part) => {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const field = m[1]!.trim();
    if (!allowed.has(field)) throw badRequest(`field label not supported: ${field}`);
    return { field, equals: m[2] !== '!=', value: m[3]!.trim() };
  });
}

function fieldValue(object: KubeObject, path: string): string {
  let current: unknown = object;
  for (const part of path.split('.')) {
    if (typeof current !== 'object' || current === null) return '';
    current = (current as Record<string, unknown>)[part];
  }
  return current === undefined || current === null ? '' : String(current);
}

/** True when the object satisfies every field requirement. */
export function matchesFields(requirements: FieldRequirement[], object: KubeObject): boolean {
  return requirements.every((r) => (fieldValue(object, r.field) === r.value) === r.equals);
}
