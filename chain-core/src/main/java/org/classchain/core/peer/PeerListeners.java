package org.classchain.core.peer;

import java.util.List;
import java.util.function.Consumer;
import org.classchain.PeerListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The listeners an embedder gave the peer, each told in turn; one that fails is logged and skipped. */
final class PeerListeners {

    private static final Logger LOG = LoggerFactory.getLogger(PeerListeners.class);

    private final List<PeerListener> listeners;

    PeerListeners(List<PeerListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    /** Tells every listener, on the calling thread. */
    void tell(Consumer<PeerListener> event) {
        for (PeerListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                LOG.warn("a peer listener failed: {}", e.toString());
            }
        }
    }
}
