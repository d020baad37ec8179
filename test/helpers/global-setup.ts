import { spawnSync } from 'node:child_process';
import { engineAnswers, ensureTestImage } from './engine.js';

/**
 * Runs once before the suite: makes sure an engine answers (scripts/engine installs and starts
 * one when root on Debian) and the base test image exists. Without an engine the suite fails:
 * engine tests never skip.
 */
export default function setup(): void {
  if (!engineAnswers()) {
    const r = spawnSync('bash', [new URL('../../scripts/engine', import.meta.url).pathname], { stdio: 'inherit' });
    if (r.status !== 0 || !engineAnswers()) {
      throw new Error('no Docker engine answers and scripts/engine could not start one: engine-backed tests cannot run');
    }
  }
  ensureTestImage();
}
