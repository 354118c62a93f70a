// The blocking-stdio test Worker inside workerd: see ../streams-handler.mjs.
import { WASI } from '../../pkg/workerd.js';
import streams from '../../../target/wasm32-wasip1/release/streams.wasm';
import { streamsHandler } from '../streams-handler.mjs';

export default { fetch: streamsHandler(WASI, streams) };
