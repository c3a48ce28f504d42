/**
 * The {@link org.classchain.core.peer.Peer} that ties chain, mining, gossip, auth and dispatch
 * together over any {@link org.classchain.wire.Transport}. Embedders use {@code Peer.builder()}.
 */
package org.classchain.core.peer;
