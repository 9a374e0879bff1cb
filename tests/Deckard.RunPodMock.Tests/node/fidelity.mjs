// Drives the stand-in with Gradio's official JS client (@gradio/client, the 1.x line that pairs with Gradio 5) and
// prints one JSON object of what the client read back. Run by GradioJsClientTests with GRADIO_URL (the pod's base URL),
// IMAGE_PATH and AUDIO_PATH (local files the client uploads itself) set.
import { Client, handle_file } from '@gradio/client';

const base = process.env.GRADIO_URL.replace(/\/$/, '');
const results = {};

// A fast render: the defaults from /info, except what keeps it short.
const inputs = () => ({
  image_path: handle_file(process.env.IMAGE_PATH),
  audio_path: handle_file(process.env.AUDIO_PATH),
  clip_sample_n_frames: 41,
  width: 256,
  height: 256,
  num_inference_steps: 1,
  seed_param: 7,
});

async function admin(path, body, method = 'POST') {
  const response = await fetch(`${base}/admin/${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`admin ${path}: ${response.status}`);
}

// 5.x: discovery, named parameters filled from /info defaults, upload, queue protocol, result.
const app = await Client.connect(base, { events: ['data', 'status'] });
const api = await app.view_api();
results.apiPrefix = app.config.api_prefix ?? null;
results.endpoints = Object.keys(api.named_endpoints);
results.parameters = api.named_endpoints['/generate'].parameters.map((parameter) => parameter.parameter_name);

const predicted = await app.predict('/generate', inputs());
const [video, seed, status] = predicted.data;
const download = await fetch(video.video.url);
const bytes = Buffer.from(await download.arrayBuffer());
results.predict = {
  path: video.video.path,
  url: video.video.url,
  seed,
  status,
  downloadStatus: download.status,
  contentType: download.headers.get('content-type'),
  container: bytes.subarray(4, 8).toString('ascii'),
  bytes: bytes.length,
};

// The status messages submit() reports while a job runs. The iterator is read by hand: the client's iterator never
// ends once the job is done (next() ignores its closed flag), and leaving a for-await loop calls return(), which
// waits on next() too.
const stages = [];
let submittedData = null;
const job = app.submit('/generate', inputs());
for (;;) {
  const { value: message } = await job.next();
  if (message.type === 'status') stages.push(message.original_msg ? `${message.stage}:${message.original_msg}` : message.stage);
  if (message.type === 'data') submittedData = message.data;
  if (message.type === 'status' && (message.stage === 'complete' || message.stage === 'error')) break;
}
results.submit = { stages, seed: submittedData?.[1] ?? null };

// A gr.Error reaches the client with its message (the queue protocol carries it).
await admin('faults', { kind: 'run_error', message: 'No face was found in the image.', count: 1 });
try {
  await app.predict('/generate', inputs());
  results.error = { raised: false };
} catch (error) {
  results.error = { raised: true, stage: error.stage, message: error.message, title: error.title ?? null };
}

// A full queue is refused before the job exists.
await admin('faults', { kind: 'queue_full', count: 1 });
try {
  await app.predict('/generate', inputs());
  results.queueFull = { raised: false };
} catch (error) {
  results.queueFull = { raised: true, message: error.message };
}
app.close();

// 4.x layout: the same client finds the API at the root.
await admin('settings', { gradio_version: 4 }, 'PUT');
const app4 = await Client.connect(base);
const predicted4 = await app4.predict('/generate', inputs());
results.gradio4 = { apiPrefix: app4.config.api_prefix ?? null, version: app4.config.version, url: predicted4.data[0].video.url };
app4.close();

console.log(JSON.stringify(results));
process.exit(0);
