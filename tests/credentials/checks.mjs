// Independent checks of VNeID's credentials with @sd-jwt/sd-jwt-vc (not the platform's code): the issued SD-JWT VC
// verifies with the keys the issuer publishes, a presentation of only "over 18" bound to the holder's key verifies
// and discloses nothing else, a tampered disclosure fails, and the status list says what EXPECT_STATUS says.
// Input (environment): ISSUER, CREDENTIAL, HOLDER_JWK (the holder's private JWK), EXPECT_STATUS (valid | suspended).
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';

const { ISSUER, CREDENTIAL, HOLDER_JWK, EXPECT_STATUS = 'valid' } = process.env;
let passed = 0, failed = 0;
async function check(name, body) {
  try { await body(); passed++; console.log(`ok   ${name}`); }
  catch (e) { failed++; console.log(`FAIL ${name}: ${e?.message ?? e}`); }
}
function assert(condition, message) { if (!condition) throw new Error(message); }

const metadata = await (await fetch(`${ISSUER}/.well-known/jwt-vc-issuer`)).json();
const keys = metadata.jwks.keys;
const holder = JSON.parse(HOLDER_JWK);
const { d, ...holderPublic } = holder;

// The issuer's signature, checked with the published key its header names.
const verifier = async (data, signature) => {
  const header = JSON.parse(Buffer.from(data.split('.')[0], 'base64url').toString());
  const key = keys.find(k => k.kid === header.kid);
  if (!key) return false;
  return (await ES256.getVerifier(key))(data, signature);
};
const kbVerifier = async (data, signature, payload) => (await ES256.getVerifier(payload.cnf.jwk))(data, signature);
const statusFetches = [];
const sdjwt = new SDJwtVcInstance({
  hasher: digest, hashAlg: 'sha-256', saltGenerator: generateSalt, verifier, kbVerifier,
  kbSigner: await ES256.getSigner(holder), kbSignAlg: 'ES256',
  statusListFetcher: async uri => { statusFetches.push(uri); return (await fetch(uri)).text(); },
});

await check('the issuer publishes an EC P-256 key and names itself', async () => {
  assert(metadata.issuer === ISSUER, `issuer ${metadata.issuer}`);
  assert(keys.length > 0 && keys.every(k => k.kty === 'EC' && k.crv === 'P-256' && !k.d), 'keys');
});

if (EXPECT_STATUS === 'valid') {
  let decoded;
  await check('the issued credential verifies (signature, disclosures, status valid)', async () => {
    decoded = await sdjwt.verify(CREDENTIAL);
    const p = decoded.payload;
    assert(p.iss === ISSUER && p.vct === `${ISSUER}/credentials/eid`, `iss/vct ${p.iss} ${p.vct}`);
    const { portrait, ...shown } = p;
    assert(p.full_name && p.id_number && p.birthdate && p.age_over_18 === true && p.level === 2, `claims ${JSON.stringify(shown)}`);
    assert(p.cnf?.jwk?.x === holderPublic.x, 'the holder key');
    assert(statusFetches.length === 1, 'the status list was read');
  });
  await check('every claim is selectively disclosable (none in the clear)', async () => {
    const payload = JSON.parse(Buffer.from(CREDENTIAL.split('~')[0].split('.')[1], 'base64url').toString());
    for (const claim of ['id_number', 'full_name', 'birthdate', 'gender', 'nationality', 'age_over_18', 'level'])
      assert(!(claim in payload), `${claim} is in the clear`);
    assert(Array.isArray(payload._sd) && payload._sd_alg === 'sha-256', '_sd');
  });
  let presentation;
  await check('a presentation of only "over 18", bound to the holder, verifies and shows nothing else', async () => {
    presentation = await sdjwt.present(CREDENTIAL, { age_over_18: true },
      { kb: { payload: { iat: Math.floor(Date.now() / 1000), aud: 'hotel-front-desk', nonce: 'n-0123456789' } } });
    const shown = await sdjwt.verify(presentation, { keyBindingNonce: 'n-0123456789', requiredClaimKeys: ['age_over_18'] });
    assert(shown.payload.age_over_18 === true, 'over 18');
    assert(shown.payload.full_name === undefined && shown.payload.id_number === undefined, 'more was disclosed');
    assert(shown.kb?.payload?.aud === 'hotel-front-desk', 'key binding');
  });
  await check('a tampered disclosure fails (the same presentation untampered verifies)', async () => {
    await sdjwt.verify(presentation, { keyBindingNonce: 'n-0123456789' });
    const parts = presentation.split('~');
    const disclosure = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
    disclosure[2] = !disclosure[2];
    parts[1] = Buffer.from(JSON.stringify(disclosure)).toString('base64url');
    let refused = false;
    try { await sdjwt.verify(parts.join('~'), { keyBindingNonce: 'n-0123456789' }); } catch { refused = true; }
    assert(refused, 'a tampered claim verified');
  });
  await check('a credential signed by another key fails (the genuine one verifies)', async () => {
    await sdjwt.verify(CREDENTIAL);
    const [jwt, ...rest] = CREDENTIAL.split('~');
    const [h, p] = jwt.split('.');
    const { privateKey } = await ES256.generateKeyPair();
    const forged = `${h}.${p}.${await (await ES256.getSigner(privateKey))(`${h}.${p}`)}`;
    let refused = false;
    try { await sdjwt.verify([forged, ...rest].join('~')); } catch { refused = true; }
    assert(refused, 'a forged signature verified');
  });
} else {
  await check(`the status list says the credential is ${EXPECT_STATUS}`, async () => {
    let message = '';
    try { await sdjwt.verify(CREDENTIAL); } catch (e) { message = String(e?.message ?? e); }
    assert(message.length > 0, 'the credential still verifies');
    assert(/status/i.test(message), `refused for another reason: ${message}`);
  });
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
