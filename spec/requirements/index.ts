import type { Requirement } from '../requirement.ts';
import { acceptRequirements } from './accept.ts';
import { bootRequirements } from './boot.ts';
import { cnxnRequirements } from './cnxn.ts';
import { configureRequirements } from './configure.ts';
import { expiryRequirements } from './expiry.ts';
import { factoryRequirements } from './factory.ts';
import { ioRequirements } from './io.ts';
import { lifecycleRequirements } from './lifecycle.ts';
import { nettyRequirements } from './netty.ts';
import { nioRequirements } from './nio.ts';
import { runtimeRequirements } from './runtime.ts';
import { selectorRequirements } from './selector.ts';
import { wireRequirements } from './wire.ts';
import { zkRequirements } from './zk.ts';

/** Every requirement, area by area in AREAS order. */
export const requirements: readonly Requirement[] = [
  ...factoryRequirements,
  ...bootRequirements,
  ...configureRequirements,
  ...nioRequirements,
  ...acceptRequirements,
  ...selectorRequirements,
  ...ioRequirements,
  ...cnxnRequirements,
  ...lifecycleRequirements,
  ...expiryRequirements,
  ...nettyRequirements,
  ...wireRequirements,
  ...zkRequirements,
  ...runtimeRequirements,
];
