// SPDX-License-Identifier: Apache-2.0
import type { TestApp } from './test-app';

/** One sample line: `name{label="value",…} number`. */
export interface PrometheusSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * A scrape of an instance's GET /metrics, read as Prometheus does: `# TYPE` lines and sample lines.
 * Hand-written because the one text-format parser on npm (parse-prometheus-text-format) drops
 * the labels, sum and count of any histogram that has labels besides `le`, which ours all have.
 */
export class Scrape {
  private constructor(
    readonly types: ReadonlyMap<string, string>,
    readonly samples: readonly PrometheusSample[],
  ) {}

  static async of(t: TestApp, token?: string): Promise<Scrape> {
    const response = await fetch(`${t.baseUrl}/metrics`, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`GET /metrics: ${response.status} ${text}`);
    if (!response.headers.get('content-type')?.startsWith('text/plain'))
      throw new Error(`GET /metrics: content type ${response.headers.get('content-type')}`);
    return Scrape.parse(text);
  }

  static parse(text: string): Scrape {
    const types = new Map<string, string>();
    const samples: PrometheusSample[] = [];
    for (const line of text.split('\n')) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type) types.set(type[1], type[2]);
      if (line === '' || line.startsWith('#')) continue;
      const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!sample) throw new Error(`not a Prometheus sample line: ${line}`);
      samples.push({ name: sample[1], labels: parseLabels(sample[2] ?? ''), value: Number(sample[3]) });
    }
    return new Scrape(types, samples);
  }

  /** The metric family's type (`counter`, `gauge`, `histogram`…). */
  type(family: string): string | undefined {
    return this.types.get(family);
  }

  /**
   * The value of the one sample `name` (a histogram's `…_count`, say) whose labels include
   * `labels`; 0 when there is none (a series not yet observed).
   */
  value(name: string, labels: Record<string, string> = {}): number {
    const matching = this.samples.filter(
      (sample) =>
        sample.name === name &&
        Object.entries(labels).every(([label, value]) => sample.labels[label] === value),
    );
    if (matching.length > 1)
      throw new Error(`${matching.length} samples of ${name} match ${JSON.stringify(labels)}`);
    return matching[0]?.value ?? 0;
  }

  /** The samples whose name starts with `prefix`. */
  named(prefix: string): PrometheusSample[] {
    return this.samples.filter((sample) => sample.name.startsWith(prefix));
  }
}

/** `a="x",b="y \"quoted\""`: label values escape `\`, `"` and newlines. */
function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g;
  for (const [, name, value] of text.matchAll(pair))
    labels[name] = value.replace(/\\(.)/g, (_, escaped: string) => (escaped === 'n' ? '\n' : escaped));
  return labels;
}
