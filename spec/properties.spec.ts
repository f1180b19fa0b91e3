/**
 * Property-based tests (fast-check, fixed seed and bounded runs so CI stays quick and repeatable).
 * Other stages add their properties in their own describe blocks below.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { listInstanceTypes } from '../lib/instance-types';
import { maxPods, type MaxPodsOptions } from '../lib/max-pods';
import { awsFromFacts, refreshData } from '../lib/instance-types/refresh';

export const FC = { seed: 20261127, numRuns: 200 } as const;

const TYPES = listInstanceTypes();
export const arbType = fc.constantFrom(...TYPES);
export const arbMaxPodsOptions: fc.Arbitrary<MaxPodsOptions> = fc.record(
  {
    prefixDelegation: fc.boolean(),
    customNetworking: fc.boolean(),
    maxEnis: fc.integer({ min: 1, max: 20 }),
    reservedEnis: fc.integer({ min: 0, max: 3 }),
  },
  { requiredKeys: [] },
);

describe('properties: max pods', () => {
  it('is a positive integer for any type and mode', () => {
    fc.assert(
      fc.property(arbType, arbMaxPodsOptions, (t, o) => {
        const v = maxPods(t, o);
        return Number.isInteger(v) && v >= 2;
      }),
      FC,
    );
  });

  it('never exceeds the plain formula without prefix delegation, and limits only lower it', () => {
    fc.assert(
      fc.property(arbType, arbMaxPodsOptions, (t, o) => {
        const plain = maxPods(t);
        const limited = maxPods(t, { ...o, prefixDelegation: false });
        expect(limited).to.be.at.most(plain);
      }),
      FC,
    );
  });

  it('prefix delegation never lowers the value and multiplies pod IPs by 16 where it applies', () => {
    fc.assert(
      fc.property(arbType, (t) => {
        const plain = maxPods(t);
        const pd = maxPods(t, { prefixDelegation: true, cap: false });
        expect(pd).to.be.at.least(plain);
        if (pd !== plain) expect(pd - 2).to.equal((plain - 2) * 16);
        // Capped by default with prefix delegation (where the vCPU count is known).
        if (t.vcpus !== undefined) expect(maxPods(t, { prefixDelegation: true })).to.equal(Math.min(pd, t.vcpus > 30 ? 250 : 110));
      }),
      FC,
    );
  });

  it('the recommended cap is 110 at ≤ 30 vCPUs and 250 above, and never raises a value', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TYPES.filter((t) => t.vcpus !== undefined)), fc.boolean(), (t, pd) => {
        const uncapped = maxPods(t, { prefixDelegation: pd, cap: false });
        const capped = maxPods(t, { prefixDelegation: pd, cap: true });
        expect(capped).to.equal(Math.min(uncapped, t.vcpus! > 30 ? 250 : 110));
      }),
      FC,
    );
  });

  it('more ENIs allowed never means fewer pods (monotone in maxEnis)', () => {
    fc.assert(
      fc.property(arbType, fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }), (t, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(maxPods(t, { maxEnis: lo })).to.be.at.most(maxPods(t, { maxEnis: hi }));
      }),
      FC,
    );
  });
});

describe('properties: refresh-data', () => {
  const opts = { source: 'property', date: '2026-01-01' };

  it('any split into pages, in any order, with repeats, gives the output of the sorted whole', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(arbType, { minLength: 1, maxLength: 40, selector: (t) => t.name }),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (types, cuts, seed) => {
          const records = types.map(awsFromFacts);
          const whole = refreshData([{ name: 'all', text: JSON.stringify({ InstanceTypes: records }) }], opts);
          // Shuffle deterministically, cut into pages, and repeat one record in another page.
          let s = seed;
          const shuffled = [...records].sort(() => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5);
          const at = [...new Set(cuts.map((c) => c % (shuffled.length + 1)))].sort((a, b) => a - b);
          const pages: unknown[][] = [];
          let prev = 0;
          for (const c of [...at, shuffled.length]) {
            pages.push(shuffled.slice(prev, c));
            prev = c;
          }
          pages[pages.length - 1].push(shuffled[0]);
          const paged = refreshData(pages.map((p, i) => ({ name: `p${i}`, text: JSON.stringify({ InstanceTypes: p }) })), opts);
          expect(paged).to.equal(whole);
        },
      ),
      { ...FC, numRuns: 100 },
    );
  });
});
