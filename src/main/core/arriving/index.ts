// What has arrived, and which boards have data for the screens (`GET /api/v1/arriving`).
export { listArrivals, INTERNAL_SERIES } from './arrivals.ts';
export { BoardDataReader, selectorName } from './board-data.ts';
