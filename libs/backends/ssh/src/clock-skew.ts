/**
 * Clock skew between the control plane and a host (the seed's NTP requirement): the host prints
 * its clock (`date +%s%N`) and the control plane brackets that command with its own clock; the
 * middle of the round trip is the best guess of when the host read its clock.
 */
import { command, type ProgramCommand } from './shell';

/** One reading: the control plane's clock before and after, and what the host printed. */
export interface ClockSample {
  /** Control-plane time (epoch ms, sub-ms precision) just before the command was sent. */
  sentAtMs: number;
  /** Control-plane time just after its output arrived. */
  receivedAtMs: number;
  /** The host's clock (epoch ms) as it printed it. */
  remoteMs: number;
  /** Resolution of the host's reading in ms (1e-6 with `%N`, 1000 when it printed whole seconds). */
  resolutionMs: number;
}

/** The estimated skew. */
export interface ClockSkew {
  /** Host clock minus control-plane clock, ms (positive: the host is ahead). */
  offsetMs: number;
  /** How far the true offset may be from {@link ClockSkew.offsetMs}: half the round trip plus the reading's resolution. */
  uncertaintyMs: number;
  /** Round trip of the sample used. */
  rttMs: number;
}

/** The command whose output {@link parseRemoteClock} reads: `date +%s%N` (GNU date; busybox prints a literal N). */
export function remoteClockCommand(): ProgramCommand {
  return command('date', '+%s%N');
}

/**
 * Reads `date +%s%N` output as epoch ms. A `date` without `%N` prints `<seconds>N` or
 * `<seconds>%N`: read as whole seconds with a 1 s resolution. Undefined when unreadable.
 */
export function parseRemoteClock(stdout: string): { remoteMs: number; resolutionMs: number } | undefined {
  const text = stdout.trim();
  const full = /^(\d{9,})(\d{9})$/.exec(text);
  if (full) return { remoteMs: Number(full[1]) * 1000 + Number(full[2]) / 1e6, resolutionMs: 1e-6 };
  const seconds = /^(\d{9,})%?N?$/.exec(text);
  if (seconds) return { remoteMs: Number(seconds[1]) * 1000, resolutionMs: 1000 };
  return undefined;
}

/**
 * Estimates the skew from samples: the one with the shortest round trip wins (least queuing),
 * and the host is assumed to have read its clock in the middle of that round trip.
 */
export function estimateClockSkew(samples: readonly ClockSample[]): ClockSkew {
  if (samples.length === 0) throw new RangeError('estimateClockSkew needs at least one sample');
  const best = [...samples].sort((a, b) => a.receivedAtMs - a.sentAtMs - (b.receivedAtMs - b.sentAtMs))[0];
  const rttMs = Math.max(0, best.receivedAtMs - best.sentAtMs);
  const midpoint = best.sentAtMs + rttMs / 2;
  return { offsetMs: best.remoteMs - midpoint, uncertaintyMs: rttMs / 2 + best.resolutionMs, rttMs };
}

/** The verdict of {@link judgeClockSkew}. */
export interface ClockSkewVerdict {
  /** False when the skew is provably beyond the bound. */
  ok: boolean;
  /** Human summary with the figures. */
  message: string;
}

/**
 * Galera (the seed asks for NTP): members' clocks must agree with the control plane's within
 * `maxMs`. Refuses only when the skew is beyond the bound even at the edge of the measurement's
 * uncertainty, so a slow link never fails a host whose clock is right.
 */
export function judgeClockSkew(skew: ClockSkew, maxMs: number): ClockSkewVerdict {
  const magnitude = Math.abs(skew.offsetMs);
  const figures = `clock ${skew.offsetMs >= 0 ? 'ahead' : 'behind'} by ${Math.round(magnitude)} ms (± ${Math.ceil(skew.uncertaintyMs)} ms, round trip ${Math.round(skew.rttMs)} ms)`;
  if (magnitude - skew.uncertaintyMs > maxMs) {
    return { ok: false, message: `${figures}; the bound is ${maxMs} ms: synchronise the host's clock (NTP) and retry` };
  }
  return { ok: true, message: `${figures}; within the bound of ${maxMs} ms` };
}
