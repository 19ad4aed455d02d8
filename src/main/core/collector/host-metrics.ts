// This machine's own metrics, under node_exporter's names so boards and queries written for
// node_exporter work unchanged: CPU, memory, load, filesystems, disk I/O, network. Linux reads
// /proc; macOS and Windows get what Node's `os` module knows (CPU, memory, load, root disk).

import { readFileSync, statfsSync } from 'node:fs';
import os from 'node:os';

export interface MetricSample {
  name: string;
  labels: ReadonlyArray<readonly [string, string]>;
  value: number;
  type: 'counter' | 'gauge';
  help: string;
}

const PSEUDO_FS = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'tmpfs', 'cgroup', 'cgroup2', 'securityfs', 'pstore', 'debugfs', 'tracefs',
  'mqueue', 'hugetlbfs', 'configfs', 'fusectl', 'binfmt_misc', 'autofs', 'bpf', 'nsfs', 'rpc_pipefs', 'squashfs', 'overlay',
  'ramfs', 'efivarfs', 'fuse.gvfsd-fuse', 'fuse.portal', 'selinuxfs', 'sunrpc', 'nfsd', 'devfs',
]);
// node_exporter's default --collector.diskstats.device-exclude
const DISK_EXCLUDE = /^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\d+n\d+p)\d+$/;
const MAX_DEVICES = 16;
/** The `job` label of this machine's own series (a node_exporter scrape has its own job). */
export const HOST_JOB = 'radiator_host';

function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

export class HostMetrics {
  private readonly extraPaths: string[];
  private prevCpu: { idle: number; total: number } | null = null;

  /** The labels every series carries, as a scrape target's do (`job`, `instance`), so a
   * node_exporter scraped on the same machine never makes the same series as this sampler. */
  private readonly identity: Array<[string, string]>;

  /** `extraPaths`: directories whose filesystem is always reported (the data directory). */
  constructor(extraPaths: string[] = [], instance: string = os.hostname()) {
    this.extraPaths = extraPaths;
    this.identity = [['instance', instance], ['job', HOST_JOB]];
  }

  collect(): MetricSample[] {
    const out: MetricSample[] = [];
    const g = (name: string, labels: Array<[string, string]>, value: number, help: string) =>
      Number.isFinite(value) && out.push({ name, labels: [...labels, ...this.identity], value, type: 'gauge', help });
    const c = (name: string, labels: Array<[string, string]>, value: number, help: string) =>
      Number.isFinite(value) && out.push({ name, labels: [...labels, ...this.identity], value, type: 'counter', help });

    // CPU
    let idle = 0;
    let total = 0;
    os.cpus().forEach((cpu, i) => {
      const t = cpu.times;
      for (const [mode, ms] of [['user', t.user], ['nice', t.nice], ['system', t.sys], ['idle', t.idle], ['irq', t.irq]] as const) {
        c('node_cpu_seconds_total', [['cpu', String(i)], ['mode', mode]], ms / 1000, 'Seconds the CPUs spent in each mode.');
        total += ms;
      }
      idle += t.idle;
    });
    if (this.prevCpu && total > this.prevCpu.total) {
      const busy = 1 - (idle - this.prevCpu.idle) / (total - this.prevCpu.total);
      g('radiator_host_cpu_usage_ratio', [], Math.min(1, Math.max(0, busy)), 'Share of CPU time not idle since the last sample (0–1).');
    }
    this.prevCpu = { idle, total };
    g('node_cpu_count', [], os.cpus().length, 'Number of logical CPUs.');

    // Memory
    const meminfo = readProc('/proc/meminfo');
    let available = os.freemem();
    if (meminfo) {
      const m = /^MemAvailable:\s+(\d+) kB/m.exec(meminfo);
      if (m) available = Number(m[1]) * 1024;
    }
    g('node_memory_MemTotal_bytes', [], os.totalmem(), 'Memory information field MemTotal_bytes.');
    g('node_memory_MemAvailable_bytes', [], available, 'Memory information field MemAvailable_bytes.');

    // Load
    if (process.platform !== 'win32') {
      const [l1, l5, l15] = os.loadavg();
      g('node_load1', [], l1!, '1m load average.');
      g('node_load5', [], l5!, '5m load average.');
      g('node_load15', [], l15!, '15m load average.');
    }

    // Filesystems
    const mounts = new Map<string, string>(); // mountpoint → device
    const procMounts = readProc('/proc/mounts');
    if (procMounts) {
      for (const line of procMounts.split('\n')) {
        const [dev, mp, fstype] = line.split(' ');
        if (!dev || !mp || !fstype || PSEUDO_FS.has(fstype) || mp.startsWith('/snap/')) continue;
        if (mounts.size < MAX_DEVICES) mounts.set(mp.replace(/\\040/g, ' '), dev);
      }
    }
    if (mounts.size === 0) mounts.set(process.platform === 'win32' ? process.cwd().slice(0, 3) : '/', 'root');
    for (const p of this.extraPaths) if (![...mounts.keys()].some((m) => p.startsWith(m) && m !== '/')) mounts.set(p, 'data');
    const seen = new Set<string>();
    for (const [mp, dev] of mounts) {
      try {
        const s = statfsSync(mp);
        const key = `${s.blocks}:${s.bfree}:${s.bsize}`;
        if (seen.has(key) && dev === 'data') continue;
        seen.add(key);
        const labels: Array<[string, string]> = [['device', dev], ['mountpoint', mp]];
        g('node_filesystem_size_bytes', labels, s.blocks * s.bsize, 'Filesystem size in bytes.');
        g('node_filesystem_avail_bytes', labels, s.bavail * s.bsize, 'Filesystem space available to non-root users in bytes.');
      } catch {
        /* unmounted since, or no permission */
      }
    }

    // Disk I/O (Linux)
    const diskstats = readProc('/proc/diskstats');
    if (diskstats) {
      let n = 0;
      for (const line of diskstats.split('\n')) {
        const f = line.trim().split(/\s+/);
        const dev = f[2];
        if (!dev || f.length < 14 || DISK_EXCLUDE.test(dev) || dev.startsWith('loop') || dev.startsWith('ram')) continue;
        if (n++ >= MAX_DEVICES) break;
        c('node_disk_read_bytes_total', [['device', dev]], Number(f[5]) * 512, 'The total number of bytes read successfully.');
        c('node_disk_written_bytes_total', [['device', dev]], Number(f[9]) * 512, 'The total number of bytes written successfully.');
      }
    }

    // Network (Linux)
    const netdev = readProc('/proc/net/dev');
    if (netdev) {
      let n = 0;
      for (const line of netdev.split('\n').slice(2)) {
        const [name, rest] = line.split(':');
        if (!name || !rest) continue;
        if (n++ >= MAX_DEVICES) break;
        const f = rest.trim().split(/\s+/).map(Number);
        const dev = name.trim();
        c('node_network_receive_bytes_total', [['device', dev]], f[0]!, 'Network device statistic receive_bytes.');
        c('node_network_transmit_bytes_total', [['device', dev]], f[8]!, 'Network device statistic transmit_bytes.');
      }
    }
    return out;
  }
}
