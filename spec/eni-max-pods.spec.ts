/**
 * An oracle that runs on every clone: AWS's published eni-max-pods.txt (aws/amazon-vpc-cni-k8s
 * misc/eni-max-pods.txt, committed as spec/fixtures/eni-max-pods.txt with its header), computed by
 * AWS's own generator from EC2's figures. Every type it shares with the instance data must get
 * the same max pods from maxPods(); types only one side has are counted, not failed (the data may
 * be newer or older than the file).
 */
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { instanceTypeNames } from '../lib/instance-types';
import { maxPods } from '../lib/max-pods';
import { ROOT } from './helpers';

const FIXTURE = path.join(ROOT, 'spec', 'fixtures', 'eni-max-pods.txt');

function readFixture(): { header: string[]; rows: Map<string, number> } {
  const lines = fs.readFileSync(FIXTURE, 'utf8').split('\n').filter((l) => l !== '');
  const header = lines.filter((l) => l.startsWith('#'));
  const rows = new Map<string, number>();
  for (const l of lines.filter((x) => !x.startsWith('#'))) {
    const m = /^(\S+) (\d+)$/.exec(l);
    if (!m) throw new Error(`${FIXTURE}: not "<type> <max pods>": ${JSON.stringify(l)}`);
    rows.set(m[1], Number(m[2]));
  }
  return { header, rows };
}

describe("AWS's eni-max-pods.txt (committed fixture) as an independent oracle", () => {
  const { header, rows } = readFixture();

  it('is the file its header describes: source, commit, license, line count and checksum', () => {
    const text = header.join('\n');
    expect(text).to.match(/aws\/amazon-vpc-cni-k8s, misc\/eni-max-pods\.txt/);
    expect(text).to.match(/commit [0-9a-f]{7,}/);
    expect(text).to.match(/Apache License 2\.0/);
    expect(text).to.include(`${rows.size} lines`);
    const body = fs.readFileSync(FIXTURE, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#')).map((l) => `${l}\n`).join('');
    expect(text).to.include(createHash('sha256').update(body).digest('hex'));
  });

  it('maxPods() gives AWS\'s value for every type both know', () => {
    const known = new Set(instanceTypeNames());
    const shared = [...rows.keys()].filter((t) => known.has(t));
    // The oracle must cover most of the data, or this test proves little.
    expect(shared.length, 'types the fixture and the data share').to.be.greaterThan(known.size / 2);
    const wrong = shared.filter((t) => maxPods(t) !== rows.get(t)).map((t) => `${t}: ours ${maxPods(t)}, AWS ${rows.get(t)}`);
    expect(wrong).to.deep.equal([]);
  });
});
