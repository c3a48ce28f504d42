/**
 * Files of any size off the chain: a block carries only a {@link org.classchain.core.files.FileRef}
 * (name, size, SHA-256, manifest root); the bytes move in hash-checked chunks between peers, kept
 * in a resumable {@link org.classchain.core.files.ChunkStore} and pulled from several
 * {@link org.classchain.core.files.ChunkSource}s at once by a {@link org.classchain.core.files.Fetcher}.
 * No networking here: a transport supplies the sources.
 */
package org.classchain.core.files;
