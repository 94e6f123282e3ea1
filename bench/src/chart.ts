/** A small hand-written SVG line chart: users/s against user count, one line per phase. */
import type { BenchmarkResult } from './run-benchmark';

const COLORS = { baseline: '#999999', ours: '#0066cc', ceiling: '#cc6600' } as const;

export function scaleChartSvg(results: readonly BenchmarkResult[]): string {
  const width = 640;
  const height = 360;
  const m = { left: 60, right: 130, top: 30, bottom: 50 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const points = results.map((r) => ({
    users: r.options.users,
    baseline: r.phases.baseline.usersPerSecond,
    ours: r.phases.ours.usersPerSecond,
    ceiling: r.phases.ceiling.usersPerSecond,
  }));
  const maxY = niceMax(Math.max(1, ...points.flatMap((p) => [p.baseline, p.ours, p.ceiling])));
  // Log scale on x: the series is 500, 2,000, 10,000.
  const xs = points.map((p) => Math.log10(p.users));
  const minX = Math.min(...xs) - 0.15;
  const maxX = Math.max(...xs) + 0.15;
  const x = (users: number) => m.left + ((Math.log10(users) - minX) / (maxX - minX)) * plotW;
  const y = (v: number) => m.top + plotH - (v / maxY) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${m.left}" y="18" font-size="14">Users refreshed per second vs number of users</text>`,
    `<line x1="${m.left}" y1="${m.top + plotH}" x2="${m.left + plotW}" y2="${m.top + plotH}" stroke="black"/>`,
    `<line x1="${m.left}" y1="${m.top}" x2="${m.left}" y2="${m.top + plotH}" stroke="black"/>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (maxY / 4) * i;
    parts.push(
      `<line x1="${m.left}" y1="${y(v)}" x2="${m.left + plotW}" y2="${y(v)}" stroke="#eeeeee"/>`,
      `<text x="${m.left - 8}" y="${y(v) + 4}" text-anchor="end">${Math.round(v)}</text>`,
    );
  }
  for (const p of points) {
    parts.push(
      `<text x="${x(p.users)}" y="${m.top + plotH + 18}" text-anchor="middle">${p.users.toLocaleString('en-US')}</text>`,
    );
  }
  parts.push(`<text x="${m.left + plotW / 2}" y="${height - 10}" text-anchor="middle">users (log scale)</text>`);
  parts.push(
    `<text x="16" y="${m.top + plotH / 2}" transform="rotate(-90 16 ${m.top + plotH / 2})" text-anchor="middle">users/s</text>`,
  );
  (['ceiling', 'ours', 'baseline'] as const).forEach((phase, i) => {
    const path = points.map((p) => `${x(p.users).toFixed(1)},${y(p[phase]).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${path}" fill="none" stroke="${COLORS[phase]}" stroke-width="2"/>`);
    for (const p of points) {
      parts.push(
        `<circle cx="${x(p.users).toFixed(1)}" cy="${y(p[phase]).toFixed(1)}" r="3" fill="${COLORS[phase]}"/>`,
      );
    }
    const ly = m.top + 10 + i * 20;
    parts.push(
      `<line x1="${m.left + plotW + 15}" y1="${ly}" x2="${m.left + plotW + 35}" y2="${ly}" stroke="${COLORS[phase]}" stroke-width="2"/>`,
      `<text x="${m.left + plotW + 40}" y="${ly + 4}">${phase}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function niceMax(v: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= v) return step * magnitude;
  return 10 * magnitude;
}
