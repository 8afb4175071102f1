/** Closes a profiling drop (its ticker stops on every replica): node --import tsx load-tests/profile/close-drop.ts <dropId>. */
import { call } from '../drop-rehearsal/http.js';
import { adminToken, bearer } from '../drop-rehearsal/setup.js';

const edge = process.env.EDGE ?? 'http://127.0.0.1:8000';
const res = await call(edge, 'POST', `/api/drops/${process.argv[2]}/close`, bearer(await adminToken(edge)));
console.log(`close ${process.argv[2]}: ${res.status}`);
