package org.classchain.spi;

import java.time.Clock;
import java.util.Optional;
import java.util.Set;

/**
 * What a module sees of the peer that runs it. Host services (a desktop, an inbox folder, a
 * process table) are looked up by type and are absent where the machine cannot provide them,
 * a headless one say: a module degrades, it does not fail to load.
 */
public interface ModuleContext {

    /** {@return the node id of the peer running the command} */
    String nodeId();

    /** {@return the users signed in at this peer} */
    Set<String> signedInUsers();

    /** {@return the peer's clock} */
    Clock clock();

    /**
     * {@return the host service of this type, if the peer provides one}
     *
     * @param type a service interface of {@code org.classchain.spi.host}
     * @param <T> the service's type
     */
    <T> Optional<T> service(Class<T> type);
}
