/** Light SHA-256 proof of work: difficulty arithmetic and a cancellable nonce search over a precomputed header. */
package org.classchain.core.mining;
