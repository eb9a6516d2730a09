/**
 * One Galera option file for every member of a cluster, for orchestrators that start identical
 * members from one template (a Kubernetes StatefulSet): the node's own name and address are not in
 * the file but given on the server's command line when it starts (on Kubernetes, from the
 * downward API: the pod's name and IP).
 */
import { renderGaleraConfig, validateGaleraConfigInput, type GaleraConfigInput, type GaleraConfigValidation, type RenderedGaleraConfig } from './galera-config';

/** Everything a shared configuration is rendered from: a {@link GaleraConfigInput} without its node. */
export type SharedGaleraConfigInput = Omit<GaleraConfigInput, 'node'>;

/** The server options the start command must give each member, since the shared file leaves them out. */
export const NODE_START_OPTIONS = {
  /** `--wsrep_node_name=<member name>` (what `wsrep_sst_donor` lists). */
  name: 'wsrep_node_name',
  /** `--wsrep_node_address=<address the other members reach it at>`. */
  address: 'wsrep_node_address',
} as const;

/**
 * A stand-in node, so the shared file goes through the one renderer and its validation; its two
 * lines are taken out again below.
 */
const STAND_IN_NODE = { name: 'node-given-at-start', address: '127.0.0.1' } as const;

/**
 * Checks a shared configuration input field by field (every check of
 * {@link validateGaleraConfigInput} except the node's own name and address).
 */
export function validateSharedGaleraConfigInput(input: SharedGaleraConfigInput, pointerPrefix = ''): GaleraConfigValidation {
  const validation = validateGaleraConfigInput({ ...input, node: STAND_IN_NODE }, pointerPrefix);
  const errors = validation.errors.filter((e) => !e.pointer.startsWith(`${pointerPrefix}/node`));
  return { ...validation, ok: errors.length === 0, errors };
}

/**
 * Renders the option file every member of a cluster shares. It is the text
 * {@link renderGaleraConfig} writes (same safe defaults, same validation, same order and quoting)
 * without the `wsrep_node_name` and `wsrep_node_address` lines, which the start command gives on
 * the server's command line ({@link NODE_START_OPTIONS}); command-line options override option
 * files, so nothing in the file can contradict them. Throws `GALERA_CONFIG_INVALID` like
 * {@link renderGaleraConfig}.
 */
export function renderSharedGaleraConfig(input: SharedGaleraConfigInput): RenderedGaleraConfig {
  const rendered = renderGaleraConfig({ ...input, node: STAND_IN_NODE });
  const nodeLine = new RegExp(`^(${NODE_START_OPTIONS.name}|${NODE_START_OPTIONS.address}) = `);
  const lines = rendered.text.split('\n').filter((line) => !nodeLine.test(line));
  lines[0] = `# Galera configuration shared by every member of cluster ${input.clusterName}.`;
  lines.splice(2, 0, `# ${NODE_START_OPTIONS.name} and ${NODE_START_OPTIONS.address} are given on the server's command line at start.`);
  return { ...rendered, text: lines.join('\n') };
}
