/** Where the bundled config and the default database live, independent of the working directory. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DEFAULT_CONFIG_DIR = path.join(PROJECT_ROOT, 'config');
export const DEFAULT_DB_PATH = path.join(PROJECT_ROOT, 'data', 'radar.db');
