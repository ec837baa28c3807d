// Dev driver's `read-task-file` import: files of $TASK_ROOT, none for paths leaving it.
import { readFileSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';

export default function readTaskFile(p) {
  const root = resolve(process.env.TASK_ROOT);
  if (p.startsWith('/') || p.split('/').includes('..')) return undefined;
  const abs = resolve(root, p);
  if (!abs.startsWith(root + sep)) return undefined;
  try {
    if (!statSync(abs).isFile()) return undefined;
    return new Uint8Array(readFileSync(abs));
  } catch {
    return undefined;
  }
}
