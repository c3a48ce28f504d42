/**
 * The threads a peer runs on: {@link org.classchain.core.exec.PeerThreads} gives each peer its
 * own named threads, or lets many peers in one JVM share a few.
 */
package org.classchain.core.exec;
