/* The reporter's receipt key: the CMP's follow-up agreement reaches this phone sealed to it.
 *
 * A plain script shared by the pages and the service worker (importScripts), loaded after
 * drafts-db.js, where the keys are kept. One P-256 key pair per concern, made when the concern
 * is first sent: its public key goes with the concern, its private key is a non-extractable
 * CryptoKey in IndexedDB that no script can read out, and it is deleted with the concern's
 * draft or with everything on the phone. Per concern, not per phone: two concerns cannot be
 * linked by their key, and one can be forgotten without the others.
 *
 * The scheme is the server's (pwa/receipt_sealing.py): ECDH P-256, HKDF-SHA256 (no salt, info =
 * label || ephemeral point || this phone's point), AES-256-GCM with a 96-bit nonce; bytes in
 * base64url without padding. WebCrypto only: no cryptography of our own.
 */
((scope) => {
  'use strict';
  const Drafts = scope.WegwijzerDrafts;
  const subtle = scope.crypto?.subtle;
  const CURVE = { name: 'ECDH', namedCurve: 'P-256' };
  const LABEL = new TextEncoder().encode('wegwijzer receipt v1');
  const VERSION = 1;

  function toBase64Url(bytes) {
    let binary = '';
    bytes.forEach((byte) => { binary += String.fromCharCode(byte); });
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  function fromBase64Url(text) {
    if (typeof text !== 'string' || !/^[A-Za-z0-9_-]*$/.test(text)) {
      throw new Error('not base64url');
    }
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  }

  function joined(...parts) {
    const all = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    parts.forEach((part) => { all.set(part, at); at += part.length; });
    return all;
  }

  /* A new key pair for one concern: {id, private_key, public_key}, or no key (null) where this
   * browser cannot make one; the concern is then sent without it and its agreement comes in
   * clear, as before receipt keys. */
  async function newKey(id) {
    if (!subtle) return { id: id, private_key: null, public_key: null };
    try {
      const pair = await subtle.generateKey(CURVE, false, ['deriveBits']);
      const raw = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
      return { id: id, private_key: pair.privateKey, public_key: toBase64Url(raw) };
    } catch {
      return { id: id, private_key: null, public_key: null };
    }
  }

  /* The public key this concern is sent with (made and kept on first use), or null. The same
   * key every time: a retry of the same concern must send the same body. */
  async function publicKeyFor(id) {
    const kept = await Drafts.getReceiptKey(id);
    if (kept) return kept.public_key;
    const stored = await Drafts.keepReceiptKey(await newKey(id)); // the first one kept wins
    return stored.public_key;
  }

  /* The agreement's text, opened with this concern's private key. Throws when it cannot be
   * opened (no key on this phone, another key, or a changed ciphertext: AES-GCM checks). */
  async function open(id, sealed) {
    const kept = await Drafts.getReceiptKey(id);
    if (!subtle || !kept?.private_key || !sealed || sealed.version !== VERSION) {
      throw new Error('cannot open this agreement here');
    }
    const ephemeralPoint = fromBase64Url(sealed.ephemeral_key);
    const ephemeral = await subtle.importKey('raw', ephemeralPoint, CURVE, false, []);
    const secret = await subtle.deriveBits(
      { name: 'ECDH', public: ephemeral }, kept.private_key, 256);
    const material = await subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
    const info = joined(LABEL, ephemeralPoint, fromBase64Url(kept.public_key));
    const key = await subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: info },
      material, { name: 'AES-GCM', length: 256 }, false, ['decrypt']);
    const plain = await subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64Url(sealed.nonce) }, key, fromBase64Url(sealed.ciphertext));
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  }

  scope.WegwijzerReceiptKey = { publicKeyFor: publicKeyFor, open: open };
})(self);
