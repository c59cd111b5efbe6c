import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** Resident set size of a process in KiB, from `/proc/<pid>/status` (VmRSS). */
export function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]);
}

let ticksPerSecond: number | undefined;

/** Clock ticks per second of `/proc/<pid>/stat` times (`getconf CLK_TCK`, 100 on Linux). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** User + system CPU time a process has used so far, in ms (`/proc/<pid>/stat` utime + stime). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces; fields after the closing parenthesis are fixed.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / clockTicks();
}

/**
 * CPU time (ms) used so far by every live process whose command name is `comm` (e.g. the
 * `postgres` server and its backends), read from /proc. Processes that exit in between drop out.
 */
export function cpuMsOfCommand(comm: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) total += cpuMs(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return total;
}

/** Samples a process's RSS every `intervalMs` until stopped; reports the peak and the last value. */
export class RssSampler {
  private timer: NodeJS.Timeout | undefined;
  peakKb = 0;
  lastKb = 0;

  constructor(
    private readonly pid: number,
    intervalMs = 250,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  sample(): number {
    try {
      this.lastKb = rssKb(this.pid);
      this.peakKb = Math.max(this.peakKb, this.lastKb);
    } catch {
      // The process is gone; keep what was seen.
    }
    return this.lastKb;
  }

  stop(): { peakKb: number; lastKb: number } {
    clearInterval(this.timer);
    this.sample();
    return { peakKb: this.peakKb, lastKb: this.lastKb };
  }
}

/** CPU used by a process between `start()` and `stop()`, in ms and as a share of one core. */
export function cpuMeter(pid: number): { stop(): { cpuMs: number; wallMs: number; cores: number } } {
  const cpu0 = cpuMs(pid);
  const t0 = performance.now();
  return {
    stop: () => {
      const used = cpuMs(pid) - cpu0;
      const wall = performance.now() - t0;
      return { cpuMs: used, wallMs: wall, cores: wall > 0 ? used / wall : 0 };
    },
  };
}

/** The machine as the report describes it (no paths, no host names). */
export function machineInfo(): { node: string; platform: string; cpuModel: string; cores: number; memoryGiB: number } {
  const cpus = os.cpus();
  return {
    node: process.version,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}
