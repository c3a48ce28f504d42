package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.classchain.Block;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.core.store.MemoryBlockStore;
import org.classchain.core.testing.Fixtures;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A student whose chain left the better one more than a page ago: the catch-up asks one page
 * ahead, finds the page does not attach, steps back until it does (dropping the page it asked
 * ahead), then pages forward onto the better chain.
 */
class DeepForkCatchUpTest {

    @Test
    @Timeout(120)
    void aForkDeeperThanAPageIsFoundAndTheBetterChainTaken() throws Exception {
        Fixtures fx = new Fixtures(31, 1);
        List<Block> better = fx.chain(CatchUp.PAGE * 2 + 200);
        List<Block> fork = new ArrayList<>(better.subList(0, 101)); // shares genesis..#100
        while (fork.size() < CatchUp.PAGE + 301) {
            fork.add(fx.child(fork.get(fork.size() - 1)));
        }
        MemoryBlockStore serverStore = new MemoryBlockStore();
        serverStore.append(better);
        MemoryBlockStore studentStore = new MemoryBlockStore();
        studentStore.append(fork);
        try (InMemoryNetwork net = new InMemoryNetwork(31, 2)) {
            Transport serverTransport = net.newTransport();
            try (Peer server = Peer.builder().transport(serverTransport).blockStore(serverStore)
                         .tick(Duration.ofMillis(50)).build();
                 Peer student = Peer.builder().transport(net.newTransport()).blockStore(studentStore)
                         .seed(serverTransport.localAddress()).tick(Duration.ofMillis(50)).build()) {
                server.start();
                student.start();
                Block head = better.get(better.size() - 1);
                long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!student.chain().head().equals(head) && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                assertThat(student.chain().head()).isEqualTo(head);
                for (int h : new int[] {100, 101, CatchUp.PAGE, CatchUp.PAGE + 300}) {
                    assertThat(student.chain().blockAt(h)).contains(better.get(h));
                }
            }
        }
    }
}
