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
import java.util.concurrent.atomic.AtomicReference;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.exec.PeerThreads;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.core.testing.Await;
import org.classchain.core.testing.ForwardingTransport;
import org.classchain.wire.Message;
import org.classchain.wire.MessageHandler;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An idle peer compares heads less and less often (down to one in {@link HeadCheck#MAX_HEAD_CHECK_TICKS}
 * ticks), and every tick again once something happens: a lost announcement is still caught. The
 * student's ticks are the test's ({@link PeerThreads#dedicatedWithManualTicks()}), and its head
 * comparisons wait for their reply, so every count here is exact: no 20 ms tick of a loaded machine.
 */
class IdleHeadCheckTest {

    @Test
    @Timeout(60)
    void idleComparisonsBackOffAndALostBlockIsStillFetched() throws Exception {
        AtomicInteger headChecks = new AtomicInteger();
        AtomicInteger betterHeadsSeen = new AtomicInteger();
        AtomicInteger blockRequests = new AtomicInteger();
        AtomicInteger dropped = new AtomicInteger();
        AtomicBoolean dropAnnouncements = new AtomicBoolean();
        AtomicReference<Peer> studentRef = new AtomicReference<>();
        PeerThreads ticks = PeerThreads.dedicatedWithManualTicks();
        try (InMemoryNetwork net = new InMemoryNetwork(41, 2);
             Peer teacher = Peer.builder().transport(net.newTransport()).account("t", "pw").difficultyBits(4)
                     .passwordPolicy(new PasswordPolicy(1000, 1000)).tick(Duration.ofMillis(20)).build();
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
                         // answered before the tick ends: the back-off it sets is in place for the next tick
                         Message reply = inner.send(address, request).join();
                         Peer me = studentRef.get();
                         if (reply instanceof Message.HeadReply h && h.head() != null && me != null
                                 && h.head().height() > me.chain().headInfo().height()) {
                             betterHeadsSeen.incrementAndGet();
                         }
                         return CompletableFuture.completedFuture(reply);
                     }
                     if (request instanceof Message.GetBlocks) {
                         blockRequests.incrementAndGet();
                     }
                     return inner.send(address, request);
                 }
             }).seed("mem://1").threads(ticks).build()) {
            studentRef.set(student);
            teacher.start();
            student.start();
            // settle: compared at ticks 1, 2 and 4, the interval doubling each time the heads agree
            for (int i = 0; i < 4; i++) {
                ticks.tick();
            }
            assertThat(headChecks.get()).as("comparisons in the first four ticks").isEqualTo(3);
            headChecks.set(0);
            int idleTicks = 100;
            for (int i = 0; i < idleTicks; i++) {
                ticks.tick();
            }
            // one comparison every tick would be 100; backed off, exactly one in four
            assertThat(headChecks.get()).isEqualTo(idleTicks / HeadCheck.MAX_HEAD_CHECK_TICKS);

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
            Await.until("the announcement came and was lost", Duration.ofSeconds(20), () -> dropped.get() >= 1);
            assertThat(dropped.get()).isEqualTo(1);
            assertThat(teacher.chain().headInfo().height()).isEqualTo(1);
            assertThat(student.chain().headInfo().height()).isZero();
            int ticksToNotice = 0;
            while (betterHeadsSeen.get() == 0 && ticksToNotice < 10 * HeadCheck.MAX_HEAD_CHECK_TICKS) {
                ticks.tick();
                ticksToNotice++;
            }
            assertThat(ticksToNotice).as("ticks until a comparison saw the better head")
                    .isBetween(1, HeadCheck.MAX_HEAD_CHECK_TICKS);
            Await.until("the student fetched the lost block", Duration.ofSeconds(20),
                    () -> student.chain().head().equals(teacher.chain().head()));
            assertThat(blockRequests.get()).as("fetched after a head comparison").isGreaterThan(requestsBefore);
            ct.close();
        }
    }
}
