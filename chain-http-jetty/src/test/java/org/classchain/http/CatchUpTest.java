package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.Payload;
import org.classchain.Target;
import org.classchain.Hash;
import org.classchain.wire.Message;
import org.classchain.wire.Message.Blocks;
import org.classchain.wire.Message.GetBlocks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A 100,000-block catch-up through {@link JettyTransport#send} in pages of 1000 (the
 * length-prefixed octet-stream form), every block decoded from its bytes and checked to link.
 * The rate is logged; DESIGN's target is 10,000 blocks/s, measured by the benchmarks. The bound
 * asserted here is deliberately loose (a shared two-core machine) and catches only a collapse,
 * such as falling back to per-block requests.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CatchUpTest {

    private static final Logger LOG = LoggerFactory.getLogger(CatchUpTest.class);
    private static final int CHAIN = 100_000;

    @Test
    void a_hundred_thousand_blocks_arrive_in_order_and_decode() throws Exception {
        List<Block> chain = new TestData(1).chain(CHAIN);
        StubHandler stub = new StubHandler();
        stub.answerWith(m -> {
            GetBlocks g = (GetBlocks) m;
            int from = (int) Math.min(g.from(), CHAIN);
            return CompletableFuture.completedFuture(new Blocks(chain.subList(from, Math.min(CHAIN, from + g.limit()))));
        });
        try (JettyTransport server = JettyTransport.builder().noRateLimit().build();
             JettyTransport client = JettyTransport.builder().requestTimeout(Duration.ofSeconds(30)).build()) {
            server.start(stub);
            // warm up the connection and the JIT on a few pages, as a catching-up peer would after its handshake
            for (int i = 0; i < 5; i++) {
                client.send(server.localAddress(), new GetBlocks(0, 1000)).get(30, TimeUnit.SECONDS);
            }
            long start = System.nanoTime();
            long next = 0;
            Hash previous = Hash.ZERO;
            int requests = 0;
            while (next < CHAIN) {
                Message m = client.send(server.localAddress(), new GetBlocks(next, 1000)).get(30, TimeUnit.SECONDS);
                List<Block> page = ((Blocks) m).blocks();
                assertThat(page).isNotEmpty();
                for (Block b : page) {
                    assertThat(b.height()).isEqualTo(next);
                    assertThat(b.previousHash()).isEqualTo(previous);
                    previous = b.hash();
                    next++;
                }
                requests++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double rate = CHAIN / seconds;
            LOG.info("caught up {} blocks in {} requests in {} s: {} blocks/s", CHAIN, requests,
                    String.format("%.2f", seconds), String.format("%.0f", rate));
            assertThat(previous).isEqualTo(chain.get(CHAIN - 1).hash());
            assertThat(requests).isEqualTo(CHAIN / 1000);
            assertThat(rate).as("blocks/s").isGreaterThan(2_000);
        }
    }

    @Test
    void a_page_of_large_blocks_stops_at_the_byte_budget_and_the_caller_pages_on() throws Exception {
        TestData data = new TestData(2);
        List<Command> commands = List.of(Command.create("message", Target.all(), Map.of("text", "x".repeat(400_000)),
                TestData.NOW, Duration.ofMinutes(5)));
        Payload payload = Payload.granted(commands, data.grant(commands, List.of()));
        List<Block> chain = new ArrayList<>();
        Hash prev = Hash.ZERO;
        for (int h = 0; h < 30; h++) {
            chain.add(TestData.block(h, prev, payload));
            prev = chain.get(h).hash();
        }
        int one = TestData.CODEC.encode(chain.get(0)).length;
        int expected = (BlockWire.PAGE_BUDGET_BYTES + one - 1) / one;
        assertThat(expected).isLessThan(30);

        StubHandler stub = new StubHandler();
        stub.answerWith(m -> {
            int from = (int) ((GetBlocks) m).from();
            return CompletableFuture.completedFuture(new Blocks(chain.subList(Math.min(from, 30), 30)));
        });
        try (JettyTransport server = JettyTransport.builder().noRateLimit().build();
             JettyTransport client = JettyTransport.builder().build()) {
            server.start(stub);
            List<Block> first = ((Blocks) client.send(server.localAddress(), new GetBlocks(0, 1000))
                    .get(30, TimeUnit.SECONDS)).blocks();
            assertThat(first).hasSize(expected).isEqualTo(chain.subList(0, expected));
            List<Block> rest = ((Blocks) client.send(server.localAddress(), new GetBlocks(expected, 1000))
                    .get(30, TimeUnit.SECONDS)).blocks();
            assertThat(rest).isEqualTo(chain.subList(expected, 30));
        }
    }
}
