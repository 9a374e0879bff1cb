// Drives the stand-in with OpenAI's official Node SDK and prints one JSON object of what the SDK read back.
// Run by NodeSdkFidelityTests with OPENAI_BASE_URL (…/v1) and OPENAI_API_KEY set.
import OpenAI, { toFile } from 'openai';

const baseURL = process.env.OPENAI_BASE_URL;
const client = new OpenAI({ apiKey: process.env.OPENAI_API_KEY, baseURL, maxRetries: 0, timeout: 30_000 });
const results = {};

const speech = await client.audio.speech.create({
  model: 'gpt-4o-mini-tts',
  voice: 'coral',
  input: 'What is the tallest mountain in the world?',
  response_format: 'wav',
});
const wav = Buffer.from(await speech.arrayBuffer());
results.speech = { contentType: speech.headers.get('content-type'), bytes: wav.length, container: wav.subarray(8, 12).toString('ascii') };

const transcription = await client.audio.transcriptions.create({
  model: 'gpt-4o-mini-transcribe',
  file: await toFile(wav, 'question.wav'),
});
results.transcription = { text: transcription.text, usageType: transcription.usage?.type, totalTokens: transcription.usage?.total_tokens };

const routed = await client.responses.create({
  model: 'gpt-5-mini',
  input: 'Please draw a portrait of me in anime style',
  tools: [
    {
      type: 'function',
      name: 'create_avatar',
      description: 'Generate a portrait to be the avatar.',
      parameters: {
        type: 'object',
        properties: { style: { type: 'string' }, description: { type: 'string' } },
        required: ['style', 'description'],
        additionalProperties: false,
      },
      strict: true,
    },
    {
      type: 'function',
      name: 'answer_with_web_search',
      parameters: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'], additionalProperties: false },
      strict: true,
    },
  ],
  tool_choice: 'required',
});
const call = routed.output.find((item) => item.type === 'function_call');
results.functionCall = { name: call.name, arguments: JSON.parse(call.arguments), totalTokens: routed.usage.total_tokens };

const stream = await client.responses.create({
  model: 'gpt-5',
  input: 'Who wrote Hamlet?',
  tools: [{ type: 'web_search' }],
  reasoning: { effort: 'medium' },
  stream: true,
});
const types = [];
let deltas = '';
let doneText = null;
let completed = null;
for await (const event of stream) {
  types.push(event.type);
  if (event.type === 'response.output_text.delta') deltas += event.delta;
  if (event.type === 'response.output_text.done') doneText = event.text;
  if (event.type === 'response.completed') completed = event.response;
}
const message = completed.output.find((item) => item.type === 'message');
results.streaming = {
  types,
  deltas,
  doneText,
  status: completed.status,
  citations: message.content[0].annotations.filter((annotation) => annotation.type === 'url_citation').map((annotation) => annotation.url),
};

const image = await client.images.generate({ model: 'gpt-image-1', prompt: 'A lighthouse keeper', size: '1024x1536' });
const png = Buffer.from(image.data[0].b64_json, 'base64');
results.image = { signature: png.subarray(1, 4).toString('ascii'), width: png.readUInt32BE(16), height: png.readUInt32BE(20) };

try {
  await new OpenAI({ apiKey: 'sk-wrong', baseURL, maxRetries: 0 }).responses.create({ model: 'gpt-5-mini', input: 'Hello' });
  results.wrongKey = { status: 'no error' };
} catch (error) {
  results.wrongKey = { status: error.status, code: error.code, authenticationError: error instanceof OpenAI.AuthenticationError };
}

console.log(JSON.stringify(results));
