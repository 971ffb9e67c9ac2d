import { execFileSync, spawnSync } from 'node:child_process';

/**
 * Random packet loss on this machine's UDP traffic to or from one port, with nftables (the kernel here has no netem
 * qdisc, so no delay or burst models: each packet is dropped on its own with the given probability). Root only. Used
 * by bench/audio-loss.ts on the SFU's RTC port: `uplink` drops packets sent to the port (every client → SFU: media,
 * RTCP, ICE), `downlink` packets sent from it (SFU → every client). On loopback every packet passes the output hook
 * once, so one rule covers one direction for every client on the machine.
 */
export type LossDirection = 'uplink' | 'downlink';

/** The table the rules live in: one of our own, so removing it touches nothing else. */
export const LOSS_TABLE = 'parley_bench_loss';

/** The nft script that drops `percent` % of UDP packets to (uplink) or from (downlink) `port`. */
export function lossRuleset(port: number, direction: LossDirection, percent: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`not a UDP port: ${port}`);
  if (!Number.isInteger(percent) || percent < 1 || percent > 99) throw new Error(`loss must be 1-99 %, not ${percent}`);
  const match = direction === 'uplink' ? 'dport' : 'sport';
  return [
    `table inet ${LOSS_TABLE} {`,
    '  chain output {',
    '    type filter hook output priority 0; policy accept;',
    `    udp ${match} ${port} numgen random mod 100 < ${percent} drop`,
    '  }',
    '}',
    '',
  ].join('\n');
}

function nft(args: string[], input?: string) {
  return spawnSync('nft', args, { input, encoding: 'utf8' });
}

/** Why loss cannot be applied here (not root, no nft, nftables refused by the kernel), or null when it can. */
export function lossUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (nftables rules)';
  const check = nft(['-c', '-f', '-'], lossRuleset(9, 'uplink', 10));
  if (check.error) return `nft not found (apt-get install nftables): ${check.error.message}`;
  if (check.status !== 0) return `nft refused the rules: ${check.stderr.trim()}`;
  return null;
}

/** Removes the rules (a no-op when there are none). Synchronous, so an exit handler can call it. */
export function clearLoss(): void {
  nft(['delete', 'table', 'inet', LOSS_TABLE]);
}

/** Starts dropping `percent` % of the UDP packets to or from `port`; returns the function that stops it. */
export function applyLoss(port: number, direction: LossDirection, percent: number): () => void {
  clearLoss();
  execFileSync('nft', ['-f', '-'], { input: lossRuleset(port, direction, percent), stdio: ['pipe', 'ignore', 'pipe'] });
  return clearLoss;
}
