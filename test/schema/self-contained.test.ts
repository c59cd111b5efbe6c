import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

// Built from pieces so this file does not match itself.
const OUTSIDE_REFERENCES = [['..', 'shared', ''].join('/'), ['', 'work', ''].join('/')];

/** Tracked files (`git grep`, so untracked scratch files do not count) containing any of `needles`, as `path:line:text`. */
function trackedFilesMentioning(needles: string[]): string[] {
  const args = ['grep', '-n', '-I', '-F', ...needles.flatMap((n) => ['-e', n])];
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8', maxBuffer: 16 << 20 }).split('\n').filter(Boolean);
  } catch (error) {
    // git grep exits 1 when nothing matched; anything else is a real failure.
    if ((error as { status?: number }).status === 1) return [];
    throw error;
  }
}

describe('the repository is self-contained', () => {
  it('no tracked file refers to a folder outside the repository or to a path of the machine it was built on', () => {
    expect(trackedFilesMentioning(OUTSIDE_REFERENCES)).toEqual([]);
  });

  it('the search sees tracked files (positive control): the emulator docs link the contract in docs/', () => {
    expect(trackedFilesMentioning(['(videos-api-contract.md)'])).toContainEqual(expect.stringMatching(/^docs\/emulator\.md:\d+:/));
  });
});
