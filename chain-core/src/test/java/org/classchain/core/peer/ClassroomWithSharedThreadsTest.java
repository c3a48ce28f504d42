package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.exec.PeerThreads;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.core.testing.Classroom;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The classroom protocol again, every peer on two shared worker threads instead of threads of
 * its own: what a simulation of thousands of peers in one JVM runs on.
 */
class ClassroomWithSharedThreadsTest extends ClassroomTests {

    private final InMemoryNetwork network = new InMemoryNetwork(Long.getLong("classchain.seed", 11), 2);
    private final PeerThreads shared = PeerThreads.shared(2);

    @Override
    protected Supplier<Transport> transports() {
        return network::newTransport;
    }

    @Override
    protected PeerThreads threads() {
        return shared;
    }

    @AfterEach
    void closeThreads() {
        network.close();
        shared.close();
    }

    @Test
    @Timeout(120)
    void peersOnSharedThreadsStartNoThreadOfTheirOwn() throws Exception {
        Set<Thread> before = Set.copyOf(Thread.getAllStackTraces().keySet());
        try (Classroom room = Classroom.start(transports(), 20, options())) {
            List<Command> accepted = sendConcurrently(room, 2, 5, n -> new Command(UUID.randomUUID(), "record",
                    Target.all(), Map.of("n", Integer.toString(n)), Instant.now().plus(Duration.ofHours(1))), 5);
            assertThat(room.awaitOneHead(Duration.ofSeconds(60))).isTrue();
            awaitReceipts(room, accepted, 20, Duration.ofSeconds(60));
            Set<String> peerNames = room.all().stream().map(p -> p.nodeId().substring(0, 8)).collect(Collectors.toSet());
            List<String> started = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                    .map(Thread::getName).filter(n -> n.startsWith("classchain-")).toList();
            // the dedicated threads are named after their peer (classchain-events-<id>); shared ones are not
            assertThat(started).noneMatch(n -> peerNames.stream().anyMatch(n::contains));
            assertThat(started).anyMatch(n -> n.startsWith("classchain-work-"));
            assertThat(started).contains("classchain-timer-1");
        }
        shared.close();
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<Thread> left;
        do {
            Thread.sleep(20);
            left = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t))
                    .filter(t -> t.getName().matches("classchain-(work|timer|blocking)-\\d+")).toList();
        } while (!left.isEmpty() && System.nanoTime() < end);
        assertThat(left).as("shared threads after close").isEmpty();
    }
}
