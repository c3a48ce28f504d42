package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.core.testing.Classroom;
import org.classchain.spi.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class ClassroomWithMemoryTest extends ClassroomTests {

    private static final Logger LOG = LoggerFactory.getLogger(ClassroomWithMemoryTest.class);
    private final long seed = Long.getLong("classchain.seed", System.nanoTime());
    private final InMemoryNetwork network = new InMemoryNetwork(seed, 4);

    @Override
    protected Supplier<Transport> transports() {
        return network::newTransport;
    }

    @AfterEach
    void closeNetwork() {
        network.close();
    }

    @Test
    @Timeout(240)
    void lossAndAHealedPartitionLoseNothing() throws Exception {
        LOG.info("lossy classroom with seed {} (rerun with -Dclasschain.seed={})", seed, seed);
        Classroom.Options o = new Classroom.Options();
        o.seed = seed;
        try (Classroom room = Classroom.start(transports(), 30, o)) {
            network.setLoss(0.10);
            network.setDelay(Duration.ofMillis(1), Duration.ofMillis(15));
            network.setTimeout(Duration.ofMillis(800));
            List<String> half = room.students.subList(15, 30).stream().map(Peer::address).toList();
            Thread partitioner = new Thread(() -> {
                try {
                    Thread.sleep(1500);
                    network.partition(1, half);
                    LOG.info("partitioned {} students away from the teacher", half.size());
                    Thread.sleep(3000);
                    network.heal();
                    LOG.info("partition healed");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "test-partitioner");
            partitioner.start();
            List<Command> accepted = sendConcurrently(room, 10, 10, n -> new Command(UUID.randomUUID(), "record",
                    Target.all(), Map.of("n", Integer.toString(n)), Instant.now().plus(Duration.ofHours(1))), seed);
            partitioner.join();
            network.setLoss(0);
            assertThat(accepted).hasSize(100);
            assertThat(room.awaitOneHead(Duration.ofSeconds(90))).as("one head everywhere (seed %d)", seed).isTrue();
            // the teacher heard from all: wait until every student ran every command
            long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < end && room.module.total() < 30 * 100) {
                Thread.sleep(100);
            }
            assertDelivered(room, accepted, null);
            awaitReceipts(room, accepted, 30, Duration.ofSeconds(60));
        }
    }
}
