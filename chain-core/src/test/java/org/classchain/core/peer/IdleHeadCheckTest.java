package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.core.testing.ForwardingTransport;
import org.classchain.wire.Message;
import org.classchain.wire.MessageHandler;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An idle peer compares heads less and less often (down to one in {@link HeadCheck#MAX_HEAD_CHECK_TICKS}
 * ticks), and every tick again once something happens: a lost announcement is still caught.
 */
class IdleHeadCheckTest {

    private static final Duration TICK = Duration.ofMillis(20);

    @Test
    @Timeout(60)
    void idleComparisonsBackOffAndALostBlockIsStillFetched() throws Exception {
        AtomicInteger headChecks = new AtomicInteger();
        AtomicInteger blockRequests = new AtomicInteger();
        AtomicInteger dropped = new AtomicInteger();
        AtomicBoolean dropAnnouncements = new AtomicBoolean();
        try (InMemoryNetwork net = new InMemoryNetwork(41, 2);
             Peer teacher = Peer.builder().transport(net.newTransport()).account("t", "pw").difficultyBits(4)
                     .passwordPolicy(new PasswordPolicy(1000, 1000)).tick(TICK).build();
             Peer student = Peer.builder().transport(new ForwardingTransport(net.newTransport()) {
                 @Override
                 public void start(MessageHandler handler) throws java.io.IOException {
                     inner.start((from, m) -> {
                         if (m instanceof Message.BlockAnnouncement && dropAnnouncements.get()) {
                             dropped.incrementAndGet(); // lost on the way: only a head comparison can find it
                             return CompletableFuture.completedFuture(new Message.Ack("lost"));
                         }
                         return handler.handle(from, m);
                     });
                 }

                 @Override
                 public CompletableFuture<Message> send(String address, Message request) {
                     if (request instanceof Message.GetHead) {
                         headChecks.incrementAndGet();
                     }
                     if (request instanceof Message.GetBlocks) {
                         blockRequests.incrementAndGet();
                     }
                     return inner.send(address, request);
                 }
             }).seed("mem://1").tick(TICK).build()) {
            teacher.start();
            student.start();
            Thread.sleep(500); // settle: the back-off has reached its longest interval
            headChecks.set(0);
            int ticks = 100;
            Thread.sleep(TICK.toMillis() * ticks);
            int idle = headChecks.get();
            // one comparison every tick would be about 100; backed off, about 25
            assertThat(idle).isBetween(ticks / HeadCheck.MAX_HEAD_CHECK_TICKS / 3, ticks / 2);

            // the teacher's announcement to the student is lost: a head comparison finds the block
            int requestsBefore = blockRequests.get(); // the join's; none since, as nothing happened
            dropAnnouncements.set(true);
            Transport ct = net.newTransport();
            ct.start((f, m) -> CompletableFuture.completedFuture(Message.Rejected.of(404, "")));
            TeacherClient c = new TeacherClient(ct, new SecureRandom(), Duration.ofSeconds(5));
            assertThat(c.signIn(teacher.address(), "t", "pw")).isInstanceOf(Message.AuthConfirmed.class);
            // no peer here has "record": forced past the host's module check (the chain is what is tested)
            Command cmd = Command.create("record", Target.all(), Map.of(), Instant.now(), Duration.ofMinutes(5));
            assertThat(c.submit(teacher.address(), List.of(cmd), true)).isInstanceOf(Message.Submitted.class);
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (dropped.get() < 1 && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertThat(dropped.get()).as("the announcement came and was lost").isEqualTo(1);
            assertThat(teacher.chain().headInfo().height()).isEqualTo(1);
            long t0 = System.nanoTime();
            while (student.chain().headInfo().height() < 1 && System.nanoTime() < t0 + Duration.ofSeconds(10).toNanos()) {
                Thread.sleep(5);
            }
            assertThat(student.chain().head()).isEqualTo(teacher.chain().head());
            assertThat(blockRequests.get()).as("fetched after a head comparison").isGreaterThan(requestsBefore);
            ct.close();
        }
    }
}
