export type { Encoder, Head } from './types';
