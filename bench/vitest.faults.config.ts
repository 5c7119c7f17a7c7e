import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * Files in name order, key rotation last: it retires the signing key the tokens of the
 * other files were made with in globalSetup.
 */
class RotationLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const last = (f: TestSpecification) => (f.moduleId.endsWith('key-rotation.test.ts') ? 1 : 0);
    return [...files].sort((a, b) => last(a) - last(b) || a.moduleId.localeCompare(b.moduleId));
  }
}

// The load and fault suite (`npm run test:faults`; FAULTS_SHORT=1 for the CI-sized run).
// One stack (fake OpenAI, fake Toss, the Worker) is started in globalSetup and shared; files
// run one at a time because they read shared counters of the fake (aborts, requests).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['./test/support/global-setup.ts'],
    fileParallelism: false,
    sequence: { sequencer: RotationLast },
    testTimeout: 180_000,
    hookTimeout: 240_000,
    // next-auth (via @chat/ops/stack's session cookie) imports `next/server` without an extension.
    server: { deps: { inline: ['next-auth'] } },
  },
});
