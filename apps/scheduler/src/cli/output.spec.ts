import { createOutput, formatText, type OutputStreams } from './output';

function capture(errIsTTY: boolean) {
  const seen = { out: [] as string[], err: [] as string[], raw: [] as string[] };
  const streams: OutputStreams = {
    out: (t) => seen.out.push(t),
    err: (t) => seen.err.push(t),
    errRaw: (t) => seen.raw.push(t),
    errIsTTY,
  };
  return { seen, streams };
}

describe('CLI output', () => {
  it('with --json, stdout gets the result as one JSON document; notes go to stderr; progress is dropped off a terminal', () => {
    const { seen, streams } = capture(false);
    const out = createOutput(true, streams);
    out.note('sweep: http://ui/...');
    out.progress('[#####.....] 50 %');
    out.endProgress();
    out.result({ a: 1, b: [1, 2] }, ['ignored with --json']);
    expect(seen.out).toHaveLength(1);
    expect(JSON.parse(seen.out[0]!)).toEqual({ a: 1, b: [1, 2] });
    expect(seen.err).toEqual(['sweep: http://ui/...']);
    expect(seen.raw).toEqual([]);
  });

  it('as text, notes and the result go to stdout, and progress is redrawn on stderr only when it is a terminal', () => {
    const { seen, streams } = capture(true);
    const out = createOutput(false, streams);
    out.note('refresh: http://ui/...');
    out.progress('one');
    out.progress('two');
    out.endProgress();
    out.result({ ignored: true }, ['line 1', 'line 2']);
    expect(seen.out).toEqual(['refresh: http://ui/...', 'line 1\nline 2']);
    expect(seen.raw).toEqual(['\r\x1b[2Kone', '\r\x1b[2Ktwo', '\n']);
  });

  it('refuses to print a second result (stdout would no longer parse as one document)', () => {
    const out = createOutput(true, capture(false).streams);
    out.result({ first: true });
    expect(() => out.result({ second: true })).toThrow('a command printed its result twice');
  });

  it('renders a value for people as indented key: value lines', () => {
    expect(
      formatText({
        userId: 7,
        cache: { ageSeconds: 60, stale: false },
        lastRefresh: null,
        ids: [1, 2, 3],
        none: [],
        rows: [{ id: 1, at: new Date('2025-01-01T00:00:00Z') }],
      }),
    ).toEqual([
      'userId: 7',
      'cache:',
      '  ageSeconds: 60',
      '  stale: false',
      'lastRefresh: -',
      'ids: 1, 2, 3',
      'none: (none)',
      'rows:',
      '  - id: 1',
      '    at: 2025-01-01T00:00:00.000Z',
    ]);
  });
});
