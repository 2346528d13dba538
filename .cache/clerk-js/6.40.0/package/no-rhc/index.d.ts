export { Clerk } from '../dist/types/index';

export * from '../dist/types/index';
