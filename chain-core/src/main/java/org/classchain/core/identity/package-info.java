/** A peer's Ed25519 node key: generated once, kept owner-only in the data dir, used to sign grants and receipts. */
package org.classchain.core.identity;
