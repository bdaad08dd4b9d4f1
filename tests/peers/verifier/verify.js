// An independent verifier for Kring's credentials: Digital Bazaar's vc + eddsa-rdfc-2022.
// Usage: node verify.js <fixtures dir>; the dir holds credential.json, did.json (Kring's DID
// document), status.json (the signed status list credential, optional) and contexts.json
// ({url: file}); every document comes from there, nothing from the network.
// Prints one JSON line: {verified, statusVerified, revoked, errors}.
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';

const dir = process.argv[2];
const read = name => JSON.parse(readFileSync(join(dir, name), 'utf8'));
const credential = read('credential.json');
const didDocument = read('did.json');
const contextFiles = read('contexts.json');
let statusCredential = null;
try { statusCredential = read('status.json'); } catch { /* no status list given */ }

const documents = new Map();
for(const [url, file] of Object.entries(contextFiles)) {
  documents.set(url, JSON.parse(readFileSync(file, 'utf8')));
}

async function documentLoader(url) {
  if(url.startsWith('did:web:')) {
    const [did, fragment] = url.split('#');
    if(did !== didDocument.id) {
      throw new Error(`unknown DID ${did}`);
    }
    if(!fragment) {
      return {contextUrl: null, documentUrl: url, document: didDocument};
    }
    const method = didDocument.verificationMethod.find(m => m.id === url);
    if(!method) {
      throw new Error(`unknown verification method ${url}`);
    }
    return {contextUrl: null, documentUrl: url,
      document: {'@context': 'https://w3id.org/security/multikey/v1', ...method}};
  }
  if(statusCredential && url === statusCredential.id) {
    return {contextUrl: null, documentUrl: url, document: statusCredential};
  }
  if(documents.has(url)) {
    return {contextUrl: null, documentUrl: url, document: documents.get(url)};
  }
  throw new Error(`offline: no document for ${url}`);
}

const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
const options = {credential, suite, documentLoader};
if(statusCredential) {
  options.checkStatus = checkStatus;
}
const result = await vc.verifyCredential(options);
const errors = [];
const collect = e => { if(e) { errors.push(e.message || String(e)); (e.errors || []).forEach(collect); } };
collect(result.error);
for(const r of result.results || []) { collect(r.error); }
if(result.statusResult && result.statusResult.error) { collect(result.statusResult.error); }
const statusList = result.statusResult && result.statusResult.verified !== undefined ? result.statusResult : null;
// vc reports a revoked credential as verified with status=true in the status result: the status
// check fails when the list's bit is set.
const revoked = statusList && statusList.results ? statusList.results.some(r => r.status === true) : null;
console.log(JSON.stringify({
  verified: result.verified && revoked !== true,
  proofVerified: (result.results || []).every(r => r.verified) && (result.results || []).length > 0,
  statusVerified: statusList ? statusList.verified : null,
  revoked,
  statusResult: result.statusResult || null,
  errors
}));
