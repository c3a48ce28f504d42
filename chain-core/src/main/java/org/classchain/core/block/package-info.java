/**
 * The byte forms of blocks: the fixed 96-byte header, the canonical payload JSON, and the
 * signing and MAC inputs derived from them. Every hash is computed from these bytes only.
 */
package org.classchain.core.block;
