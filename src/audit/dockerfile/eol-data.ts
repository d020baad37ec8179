/**
 * End-of-life dates of common base images, as data. A cycle is a major ("20") or major.minor
 * ("3.9") version; codenames map to cycles. Dates are the upstream end of support (security
 * fixes), from each project's published schedule (endoflife.date collects them). Update this
 * table when a cycle is added; `bulkhead` never looks these up online.
 */
export interface EolCycle {
  cycle: string;
  /** YYYY-MM-DD: the last day of upstream security support */
  eol: string;
  codenames?: string[];
}

export const EOL_TABLE: Record<string, EolCycle[]> = {
  node: [
    { cycle: '8', eol: '2019-12-31' },
    { cycle: '10', eol: '2021-04-30' },
    { cycle: '12', eol: '2022-04-30' },
    { cycle: '14', eol: '2023-04-30' },
    { cycle: '15', eol: '2021-04-30' },
    { cycle: '16', eol: '2023-09-11' },
    { cycle: '17', eol: '2022-06-01' },
    { cycle: '18', eol: '2025-04-30' },
    { cycle: '19', eol: '2023-06-01' },
    { cycle: '20', eol: '2026-04-30' },
    { cycle: '21', eol: '2024-06-01' },
    { cycle: '22', eol: '2027-04-30' },
    { cycle: '23', eol: '2025-06-01' },
    { cycle: '24', eol: '2028-04-30' },
  ],
  python: [
    { cycle: '2.7', eol: '2020-01-01' },
    { cycle: '3.5', eol: '2020-09-13' },
    { cycle: '3.6', eol: '2021-12-23' },
    { cycle: '3.7', eol: '2023-06-27' },
    { cycle: '3.8', eol: '2024-10-07' },
    { cycle: '3.9', eol: '2025-10-31' },
    { cycle: '3.10', eol: '2026-10-31' },
    { cycle: '3.11', eol: '2027-10-31' },
    { cycle: '3.12', eol: '2028-10-31' },
    { cycle: '3.13', eol: '2029-10-31' },
  ],
  debian: [
    { cycle: '8', eol: '2020-06-30', codenames: ['jessie'] },
    { cycle: '9', eol: '2022-06-30', codenames: ['stretch'] },
    { cycle: '10', eol: '2024-06-30', codenames: ['buster'] },
    { cycle: '11', eol: '2026-08-31', codenames: ['bullseye'] },
    { cycle: '12', eol: '2028-06-30', codenames: ['bookworm'] },
    { cycle: '13', eol: '2030-06-30', codenames: ['trixie'] },
  ],
  ubuntu: [
    { cycle: '14.04', eol: '2019-04-30', codenames: ['trusty'] },
    { cycle: '16.04', eol: '2021-04-30', codenames: ['xenial'] },
    { cycle: '18.04', eol: '2023-05-31', codenames: ['bionic'] },
    { cycle: '20.04', eol: '2025-05-31', codenames: ['focal'] },
    { cycle: '21.04', eol: '2022-01-20', codenames: ['hirsute'] },
    { cycle: '21.10', eol: '2022-07-14', codenames: ['impish'] },
    { cycle: '22.04', eol: '2027-06-01', codenames: ['jammy'] },
    { cycle: '22.10', eol: '2023-07-20', codenames: ['kinetic'] },
    { cycle: '23.04', eol: '2024-01-25', codenames: ['lunar'] },
    { cycle: '23.10', eol: '2024-07-11', codenames: ['mantic'] },
    { cycle: '24.04', eol: '2029-05-31', codenames: ['noble'] },
  ],
  alpine: [
    { cycle: '3.12', eol: '2022-05-01' },
    { cycle: '3.13', eol: '2022-11-01' },
    { cycle: '3.14', eol: '2023-05-01' },
    { cycle: '3.15', eol: '2023-11-01' },
    { cycle: '3.16', eol: '2024-05-23' },
    { cycle: '3.17', eol: '2024-11-22' },
    { cycle: '3.18', eol: '2025-05-09' },
    { cycle: '3.19', eol: '2025-11-01' },
    { cycle: '3.20', eol: '2026-04-01' },
    { cycle: '3.21', eol: '2026-11-01' },
    { cycle: '3.22', eol: '2027-05-01' },
  ],
  centos: [
    { cycle: '6', eol: '2020-11-30' },
    { cycle: '7', eol: '2024-06-30' },
    { cycle: '8', eol: '2021-12-31' },
  ],
  golang: [
    { cycle: '1.20', eol: '2024-02-06' },
    { cycle: '1.21', eol: '2024-08-13' },
    { cycle: '1.22', eol: '2025-02-11' },
    { cycle: '1.23', eol: '2025-08-12' },
  ],
};
