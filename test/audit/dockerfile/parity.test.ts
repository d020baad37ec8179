import { describe, expect, it } from 'vitest';
import { allFindings } from './helpers.js';

/**
 * The security-relevant checks of hadolint and trivy that users know by id, with the canonical
 * example of each: bulkhead must catch every one (docs/audit-dockerfile.md has the mapping).
 */
const PARITY: Array<[string, string, string]> = [
  ['hadolint DL3002 / trivy DS002: last USER root', 'FROM debian:12\nUSER root\nCMD ["x"]', 'DF001'],
  ['hadolint DL3004 / trivy DS010: sudo', 'FROM debian:12\nRUN sudo apt-get install -y x', 'DF002'],
  ['hadolint DL3006: untagged image', 'FROM debian\nUSER 1', 'DF006'],
  ['hadolint DL3007 / trivy DS001: latest', 'FROM debian:latest\nUSER 1', 'DF006'],
  ['hadolint DL3008: unpinned apt packages', 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*', 'DF036'],
  ['hadolint DL3009: apt lists not deleted', 'FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=1', 'DF021'],
  ['hadolint DL3020 / trivy DS005: ADD for files', 'FROM debian:12\nADD requirements.txt /app/', 'DF009'],
  ['hadolint DL4006: pipe without pipefail', 'FROM debian:12\nRUN wget -O - https://x.example | tar xz', 'DF035'],
  ['hadolint DL3000: relative WORKDIR', 'FROM debian:12\nWORKDIR usr/src', 'DF028'],
  ['hadolint DL3003 / trivy DS013: RUN cd', 'FROM debian:12\nRUN cd /usr/src/app && git pull', 'DF029'],
  ['hadolint DL3015 / trivy DS029: no --no-install-recommends', 'FROM debian:12\nRUN apt-get install -y python=2.7', 'DF020'],
  ['hadolint DL3019 / trivy DS025: apk without --no-cache', 'FROM alpine:3.22\nRUN apk add python3', 'DF023'],
  ['hadolint DL3042: pip cache', 'FROM python:3.13\nRUN pip install django', 'DF024'],
  ['hadolint DL3025: CMD not JSON', 'FROM debian:12\nCMD my-service server', 'DF025'],
  ['hadolint DL4000: MAINTAINER', 'FROM debian:12\nMAINTAINER Lukas', 'DF027'],
  ['hadolint DL4003 / trivy DS016: multiple CMD', 'FROM debian:12\nCMD ["a"]\nCMD ["b"]', 'DF026'],
  ['trivy DS004: port 22', 'FROM debian:12\nEXPOSE 22', 'DF017'],
  ['trivy DS017: update alone', 'FROM debian:12\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends x', 'DF019'],
  ['trivy DS024: dist-upgrade', 'FROM debian:12\nRUN apt-get update && apt-get dist-upgrade -y', 'DF022'],
  ['trivy DS026: no HEALTHCHECK', 'FROM debian:12\nUSER 1', 'DF030'],
];

describe('hadolint / trivy parity on their security and hygiene checks', () => {
  it.each(PARITY.map(([name, text, id]) => [`${name} -> ${id}`, text, id]))('%s', (_title, text, id) => {
    expect(allFindings(text).map((f) => f.ruleId)).toContain(id);
  });
});
