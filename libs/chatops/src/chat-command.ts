/** A chat command, parsed from the text after the slash command. */
export type ChatCommand =
  | { verb: 'help' }
  | { verb: 'status'; cluster: string }
  | { verb: 'scale'; cluster: string; replicas: number; force: boolean }
  | { verb: 'confirm'; code: string }
  | { verb: 'recover'; cluster: string }
  | { verb: 'approve'; operationId: string }
  | { verb: 'invalid'; problem: string };

/** What each command looks like, for help and for errors. */
export const CHAT_USAGE = [
  '`status <cluster>`: state, conditions and members',
  '`scale <cluster> <members> [force]`: shows the plan and a confirmation code',
  '`confirm <code>`: starts the change you were shown the plan of',
  '`recover <cluster>`: starts a full-crash recovery; its evidence and plan wait for approval',
  '`approve <operation>`: approves an operation that waits for approval',
  '`help`: this list',
];

const REF = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** Parses `text` (e.g. `scale orders 5`); anything unexpected is `invalid` with what to type. */
export function parseChatCommand(text: string): ChatCommand {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [verb, ...args] = words;
  const usage = (problem: string): ChatCommand => ({ verb: 'invalid', problem });
  switch ((verb ?? 'help').toLowerCase()) {
    case 'help':
      return { verb: 'help' };
    case 'status':
      return args.length === 1 && REF.test(args[0]) ? { verb: 'status', cluster: args[0] } : usage('usage: `status <cluster>`');
    case 'scale': {
      const force = args.length === 3 && ['force', '--force'].includes(args[2].toLowerCase());
      if ((args.length !== 2 && !force) || !REF.test(args[0]) || !/^\d{1,2}$/.test(args[1])) return usage('usage: `scale <cluster> <members> [force]`');
      return { verb: 'scale', cluster: args[0], replicas: Number(args[1]), force };
    }
    case 'confirm':
      return args.length === 1 && /^[A-Za-z0-9]{4,12}$/.test(args[0]) ? { verb: 'confirm', code: args[0].toUpperCase() } : usage('usage: `confirm <code>`');
    case 'recover':
      return args.length === 1 && REF.test(args[0]) ? { verb: 'recover', cluster: args[0] } : usage('usage: `recover <cluster>`');
    case 'approve':
      return args.length === 1 && /^op_[0-9a-z]{26}$/.test(args[0]) ? { verb: 'approve', operationId: args[0] } : usage('usage: `approve <operation id (op_…)>`');
    default:
      return usage(`unknown command \`${verb.slice(0, 40)}\``);
  }
}
