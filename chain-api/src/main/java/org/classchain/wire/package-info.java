/**
 * The peer-to-peer protocol: the {@link org.classchain.wire.Message}s peers and clients exchange,
 * and the {@link org.classchain.wire.Transport} that carries them. What a transport implementer
 * writes against; a command module never needs it.
 */
package org.classchain.wire;
