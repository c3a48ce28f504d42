package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.core.testing.Classroom;
import org.classchain.wire.Transport;
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
            // the seed chooses who is cut off and between which accepted commands: a failing run replays
            Random r = new Random(seed);
            List<String> students = new ArrayList<>(room.students.stream().map(Peer::address).toList());
            Collections.shuffle(students, r);
            List<String> half = students.subList(0, 15);
            int cutAt = 5 + r.nextInt(30);
            int healAt = cutAt + 20 + r.nextInt(30);
            List<Command> accepted = sendConcurrently(room, 10, 10, n -> new Command(UUID.randomUUID(), "record",
                    Target.all(), Map.of("n", Integer.toString(n)), Instant.now().plus(Duration.ofHours(1))), seed,
                    count -> {
                        if (count == cutAt) {
                            network.partition(1, half);
                            LOG.info("partitioned {} students away from the teacher after {} commands", half.size(), count);
                        } else if (count == healAt) {
                            network.heal();
                            LOG.info("partition healed after {} commands", count);
                        }
                    });
            network.heal(); // had fewer than healAt been accepted, the assertion below says so
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
