import { board } from './board';
import { bolt } from './bolt';
import { carpet } from './carpet';
import { ceramic } from './ceramic';
import { grid } from './grid';
import type { KindDefinition } from './kind';
import { leather } from './leather';
import { pill } from './pill';
import { tile } from './tile';
import { wood } from './wood';

/** Every synthetic kind, by name, in the order they are listed to users. */
export const KIND_DEFINITIONS = {
  carpet,
  grid,
  leather,
  tile,
  wood,
  pill,
  bolt,
  board,
  ceramic,
} as const satisfies Record<string, KindDefinition>;
