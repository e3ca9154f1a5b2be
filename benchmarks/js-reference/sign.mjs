// The JavaScript reference signer that benchmarks/run.py measures Badgepress against:
// Digital Bazaar's `vc.issue` with a DataIntegrityProof and the eddsa-rdfc-2022
// cryptosuite, over `jsonld`, with a document loader that serves the contexts
// bundled in plugins/badgepress/contexts/ and refuses every other URL (it never
// fetches). Reads one JSON job on stdin, writes one JSON result on stdout:
//   in:  {items: [{credential, created}], verificationMethod, seed (hex),
//         contexts: {url: file}, warmup, rounds}
//   out: {proofValues: [...], rounds: [{wallSeconds, cpuSeconds}]}
// Each round signs every item once, one after another, on one thread.
import {readFileSync} from 'node:fs';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const job = JSON.parse(readFileSync(0, 'utf8'));

const contexts = new Map();
for(const [url, file] of Object.entries(job.contexts)) {
  contexts.set(url, JSON.parse(readFileSync(file, 'utf8')));
}

async function documentLoader(url) {
  const document = contexts.get(url);
  if(document === undefined) {
    throw new Error(`not bundled, and never fetched: ${url}`);
  }
  return {contextUrl: null, documentUrl: url, document};
}

const seed = Uint8Array.from(Buffer.from(job.seed, 'hex'));
const [controller] = job.verificationMethod.split('#');
const keyPair = await Ed25519Multikey.generate(
  {seed, controller, id: job.verificationMethod});
const signer = keyPair.signer();

async function sign({credential, created}) {
  const suite = new DataIntegrityProof(
    {signer, date: created, cryptosuite: eddsaRdfc2022CryptoSuite});
  // vc.issue adds the proof to the object it is given: sign a copy
  const signed = await vc.issue(
    {credential: structuredClone(credential), suite, documentLoader});
  return signed.proof.proofValue;
}

for(const item of job.items.slice(0, job.warmup)) {
  await sign(item);
}
const rounds = [];
let proofValues = [];
for(let round = 0; round < job.rounds; round++) {
  proofValues = [];
  const cpuStart = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  for(const item of job.items) {
    proofValues.push(await sign(item));
  }
  const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
  const cpu = process.cpuUsage(cpuStart);
  rounds.push({wallSeconds, cpuSeconds: (cpu.user + cpu.system) / 1e6});
}
process.stdout.write(JSON.stringify({proofValues, rounds}) + '\n');
