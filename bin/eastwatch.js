#!/usr/bin/env node
// Runs the TypeScript command line through tsx, so `npx eastwatch` works after `npm ci`
// with no separate build step.
import { register } from 'tsx/esm/api';

register();
await import('../cli/main.ts');
