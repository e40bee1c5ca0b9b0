import { buildApp } from '../lib/stack/app.ts';

buildApp();
