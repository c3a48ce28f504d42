/**
 * Credentials and the host side of delegated authentication (DESIGN section 5): SRP-6a over the
 * RFC 5054 2048-bit group with SHA-256, through Bouncy Castle's {@code agreement.srp} classes,
 * with passwords hardened by PBKDF2 first, and MAC'd requests in a signed-in session.
 *
 * <p>The derivation, exactly (a browser reimplements it; {@code DerivationSpecTest} recomputes
 * all of it with plain JDK primitives). {@code H} is SHA-256, {@code |} concatenation,
 * {@code N}, {@code g} the RFC 5054 2048-bit group ({@code g = 2}), {@code PAD(x)} the unsigned
 * big-endian bytes of {@code x} left-padded with zeros to 256 bytes (the length of {@code N}),
 * {@code int(bytes)} the unsigned big-endian integer of a byte string.
 * <ol>
 * <li>{@code pw = UTF-8(NFC(password))}; {@code I = UTF-8(username)}.
 * <li>{@code P' = PBKDF2-HMAC-SHA256(pw, salt, iterations, 32 bytes)}; {@code salt} is 16
 *     random bytes, {@code iterations} 120,000 by default and never below 100,000 when an account
 *     is created; whatever the host stores is what the challenge carries.
 * <li>{@code x = int(H(salt | H(I | ":" | P')))}; {@code v = g^x mod N} (the verifier, stored at
 *     the host as its minimal unsigned big-endian bytes).
 * <li>{@code k = int(H(PAD(N) | PAD(g)))}.
 * <li>Client: random {@code a}; {@code A = g^a mod N}. Host: random {@code b};
 *     {@code B = (k*v + g^b) mod N}. Each side refuses the other's value if it is 0 mod N.
 * <li>{@code u = int(H(PAD(A) | PAD(B)))}, refused if 0.
 *     Client: {@code S = (B - k*g^x)^(a + u*x) mod N}. Host: {@code S = (A * v^u)^b mod N}.
 * <li>{@code M1 = H(PAD(A) | PAD(B) | PAD(S))}.
 * <li>{@code M2 = H(PAD(A) | PAD(int(M1)) | PAD(S))}: Bouncy Castle pads M1 like every other
 *     value, to 256 bytes (224 zero bytes, then the 32 bytes of M1).
 * <li>{@code K = H(PAD(S))}, 32 bytes.
 * <li>Batch MAC: {@code HMAC-SHA256(K, counter | CanonicalJson.encodeBatch(commands, accounts))};
 *     login MAC: {@code HMAC-SHA256(K, counter | UTF-8("login:" + peerNodeId))}; {@code counter}
 *     as 8 bytes big-endian, at least 1, strictly increasing within a session.
 * </ol>
 * On the wire {@code A}, {@code B} and the salt are byte strings ({@code A}, {@code B} unsigned
 * big-endian, at most 256 bytes, leading zeros allowed); {@code M1}, {@code M2} and MACs are
 * exactly 32 bytes. The session id is the one the challenge names (128 random bits, base64url
 * without padding).
 */
package org.classchain.core.auth;
