import { buildApp } from '../lib/app.ts';

buildApp();
