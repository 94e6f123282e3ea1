/**
 * CPU time per process of the machine's stack during a phase (Linux /proc), so a run says where the
 * two cores went: the Temporal dev server, FerretDB, MariaDB, the bench's worker processes and the
 * bench process itself (which serves the Bytemark simulator).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export type CpuSnapshot = Record<string, number>;

const TICKS_PER_SECOND = 100;

function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat (11 and 12 after the command name).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function pidsOf(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** CPU milliseconds used so far by each part of the stack (0 where a part is not found). */
export function cpuSnapshot(workerPids: readonly number[]): CpuSnapshot {
  const sum = (pids: number[]) => pids.reduce((total, pid) => total + cpuMs(pid), 0);
  return {
    temporal: sum(pidsOf('temporal server start-dev')),
    ferretdb: sum(pidsOf('ferretdb-runner')),
    mariadb: sum(pidsOf('mariadbd')),
    workers: sum([...workerPids]),
    'bench + simulator': cpuMs(process.pid),
  };
}

/** CPU milliseconds per user between two snapshots, by part. */
export function cpuMsPerUser(before: CpuSnapshot, after: CpuSnapshot, users: number): CpuSnapshot {
  const out: CpuSnapshot = {};
  for (const [part, ms] of Object.entries(after))
    out[part] = Math.round(((ms - (before[part] ?? 0)) / Math.max(1, users)) * 10) / 10;
  return out;
}
