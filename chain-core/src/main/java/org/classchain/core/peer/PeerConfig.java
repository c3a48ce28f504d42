package org.classchain.core.peer;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.classchain.PeerListener;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.dispatch.Dispatcher;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.dispatch.Policy;
import org.classchain.core.exec.PeerThreads;
import org.classchain.spi.BlockStore;
import org.classchain.wire.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a {@link Peer} is built from. Collected by {@link Peer.Builder}; immutable once
 * built. Defaults suit a classroom peer; tests shorten the intervals and the difficulty.
 */
final class PeerConfig {
    private static final Logger LOG = LoggerFactory.getLogger(PeerConfig.class);

    Path dataDir;
    Transport transport;
    BlockStore blockStore;
    List<String> seeds = new ArrayList<>();
    String username;
    String password;
    int difficultyBits = Peer.DEFAULT_DIFFICULTY_BITS;
    /** Given by the builder (the caller closes it), or null: the peer loads its own. */
    ModuleRegistry modules;
    Path modsDir;
    Policy policy = Policy.allowAll();
    Clock clock = Clock.systemUTC();
    SecureRandom random = new SecureRandom();
    Duration tick = Duration.ofSeconds(1);
    Duration joinTimeout = Duration.ofSeconds(60);
    Duration remineAfter = Duration.ofSeconds(3);
    int maxNeighbours = 8;
    int backups = 2;
    int accountsPerComputer = 1;
    boolean genesisIfUnreachable;
    String expectedChain;
    String fingerprint = "";
    List<String> pinnedFingerprints = List.of();
    PasswordPolicy passwordPolicy;
    PeerThreads threads;
    final Map<Class<?>, Object> services = new LinkedHashMap<>();
    final List<PeerListener> listeners = new ArrayList<>();

    /** A deny or allow list naming a module not installed here is most likely a typo: it refuses or allows nothing. */
    void warnOfUnknownPolicyNames(String peer, List<String> installed) {
        Set<String> unknown = policy.unknownNames(installed);
        if (!unknown.isEmpty()) {
            LOG.warn("peer {}: the local policy ({}) names {}, but there is no module installed here by that name "
                    + "(installed: {})", peer, policy, String.join(", ", unknown), String.join(", ", installed));
        }
    }

    /** Hands the host services to the dispatcher, where modules find them by type. */
    void addServices(Dispatcher.Builder dispatcher) {
        services.forEach((type, impl) -> addService(dispatcher, type, impl));
    }

    @SuppressWarnings("unchecked")
    private static <T> void addService(Dispatcher.Builder b, Class<T> type, Object impl) {
        b.service(type, (T) impl);
    }

    void check() {
        Objects.requireNonNull(transport, "a peer needs a transport");
        if (difficultyBits < 1 || difficultyBits > 32) {
            throw new IllegalArgumentException("difficulty bits are 1-32, not " + difficultyBits);
        }
        if (accountsPerComputer < 1) {
            throw new IllegalArgumentException("a computer may hold at least one student account");
        }
        if (maxNeighbours < 1) {
            throw new IllegalArgumentException("a peer needs at least one neighbour slot");
        }
    }
}
