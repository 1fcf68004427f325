#!/usr/bin/env node
// Entry point of the `radar` CLI: runs the TypeScript sources directly through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli.ts');
