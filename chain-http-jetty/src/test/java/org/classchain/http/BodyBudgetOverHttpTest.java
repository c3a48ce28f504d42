package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.Payload;
import org.classchain.Target;
import org.classchain.wire.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 23, property 1, at the HTTP layer: the request bodies a peer holds at once are bounded in
 * bytes, in all and per source address, however many connections carry them. A student announces
 * blocks of about 600 KB (no proof of work is needed to make a peer read and decode one) from
 * several 127.0.0.x addresses to a peer whose handler is still busy with the first ones: beyond
 * an address's share the peer answers 429, beyond its budget 503, both before reading the body,
 * and it admits them again once it has answered.
 */
@Timeout(60)
class BodyBudgetOverHttpTest {

    private final StubHandler stub = new StubHandler();
    private final List<CompletableFuture<Message>> held = new CopyOnWriteArrayList<>();
    private final List<JettyTransport> transports = new ArrayList<>();
    private JettyTransport server;
    private Block big;
    private long body;

    private JettyTransport client(String ip) {
        JettyTransport t = JettyTransport.builder().bindAddress(ip).requestTimeout(Duration.ofSeconds(20)).build();
        transports.add(t);
        return t;
    }

    @BeforeEach
    void start() throws Exception {
        TestData data = new TestData(23);
        Command c = Command.create("message", Target.all(), Map.of("text", "x".repeat(450_000)), TestData.NOW,
                Duration.ofMinutes(5));
        big = TestData.block(5, data.hash(), Payload.granted(List.of(c), data.grant(List.of(c), List.of())));
        body = new FloodBody().size(big);
        // room for two such bodies in all and one per address
        server = JettyTransport.builder().host("127.0.4.1").port(0).noRateLimit()
                .bodyBudget(2 * body + body / 2, body + body / 2).build();
        transports.add(server);
        stub.answerWith(m -> {
            CompletableFuture<Message> f = new CompletableFuture<>();
            held.add(f);
            return f;
        });
        server.start(stub);
    }

    @AfterEach
    void stop() {
        held.forEach(f -> f.complete(new Message.Ack("bye")));
        transports.forEach(JettyTransport::close);
    }

    private CompletableFuture<Message> announce(JettyTransport from) {
        return from.send(server.localAddress(), new Message.BlockAnnouncement(big, null));
    }

    private void awaitHeld(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (held.size() < n) {
            assertThat(System.nanoTime()).as("%d announcements reach the handler", n).isLessThan(end);
            Thread.sleep(10);
        }
    }

    private static int status(CompletableFuture<Message> f) throws Exception {
        Message m = f.get(20, TimeUnit.SECONDS);
        return m instanceof Message.Rejected r ? r.code() : 200;
    }

    @Test
    void bodiesBeyondAnAddressShareOrThePeersBudgetAreRefusedUnreadUntilItAnswers() throws Exception {
        JettyTransport a = client("127.0.4.10");
        JettyTransport c = client("127.0.4.11");
        JettyTransport d = client("127.0.4.12");
        CompletableFuture<Message> first = announce(a);
        awaitHeld(1);
        assertThat(status(announce(a))).as("a second body from the same address").isEqualTo(429);
        CompletableFuture<Message> second = announce(c);
        awaitHeld(2);
        Message refused = announce(d).get(20, TimeUnit.SECONDS);
        assertThat(refused).as("a third body while two are held").isInstanceOf(Message.Rejected.class);
        assertThat(((Message.Rejected) refused).code()).isEqualTo(503);
        assertThat(((Message.Rejected) refused).retryAfterSeconds()).isEqualTo(1);
        assertThat(stub.calls.get()).as("the refused bodies never reached the handler").isEqualTo(2);

        held.forEach(f -> f.complete(new Message.Ack("added")));
        assertThat(status(first)).isEqualTo(200);
        assertThat(status(second)).isEqualTo(200);
        CompletableFuture<Message> later = announce(d);
        awaitHeld(3);
        held.get(2).complete(new Message.Ack("added"));
        assertThat(status(later)).as("admitted again once the peer answered").isEqualTo(200);
    }

    @Test
    void aFloodFromManyConnectionsNeverHoldsMoreThanTheBudget() throws Exception {
        List<CompletableFuture<Message>> sent = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            JettyTransport from = client("127.0.4." + (20 + i));
            for (int k = 0; k < 4; k++) {
                sent.add(announce(from));
            }
        }
        awaitHeld(2);
        Thread.sleep(500);
        assertThat(held).as("bodies held by the peer at once").hasSize(2);
        held.forEach(f -> f.complete(new Message.Ack("added")));
        int ok = 0;
        for (CompletableFuture<Message> f : sent) {
            int s = status(f);
            assertThat(s).isIn(200, 429, 503);
            ok += s == 200 ? 1 : 0;
        }
        assertThat(ok).isEqualTo(2);
    }

    @Test
    void oneBodyLargerThanTheWholeBudgetStillGetsThroughAlone() throws Exception {
        JettyTransport small = JettyTransport.builder().host("127.0.4.2").port(0).noRateLimit().bodyBudget(1000, 1000)
                .build();
        transports.add(small);
        StubHandler ok = new StubHandler();
        small.start(ok);
        Message m = client("127.0.4.30").send(small.localAddress(), new Message.BlockAnnouncement(big, null))
                .get(20, TimeUnit.SECONDS);
        assertThat(m).isInstanceOf(Message.Ack.class);
    }

    /** The size of an announcement's body, as the client writes it. */
    private static final class FloodBody {
        private final ClientCalls calls;

        FloodBody() {
            org.classchain.core.block.CanonicalJson json = new org.classchain.core.block.CanonicalJson();
            calls = new ClientCalls(new WireJson(json, new BlockWire(new org.classchain.core.block.BlockCodec(json))));
        }

        long size(Block b) {
            return calls.toHttp(new Message.BlockAnnouncement(b, null)).body().length;
        }
    }
}
