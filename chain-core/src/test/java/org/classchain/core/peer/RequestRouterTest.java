package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.wire.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The route table: a request reaches a part only once its row is open, a peer still starting says
 * so (503), and a message that is no request is refused for good (400), never a crash.
 */
class RequestRouterTest {

    @Test
    @Timeout(30)
    void rowsOpenAsThePeerStartsAndWhatIsNoRequestIsRefused() throws Exception {
        try (InMemoryNetwork net = new InMemoryNetwork(5, 2);
             Peer teacher = Peer.builder().transport(net.newTransport()).account("t", "pw").difficultyBits(4)
                     .passwordPolicy(new PasswordPolicy(1000, 1000)).build()) {
            Message before = teacher.handle("10.0.0.9", new Message.GetHead()).get();
            assertThat(before).isInstanceOfSatisfying(Message.Rejected.class, r -> {
                assertThat(r.code()).isEqualTo(503);
                assertThat(r.reason()).contains("starting");
            });
            teacher.start();
            assertThat(teacher.handle("10.0.0.9", new Message.GetHead()).get()).isInstanceOf(Message.HeadReply.class);
            assertThat(teacher.handle("10.0.0.9", new Message.GetAccounts()).get())
                    .isInstanceOf(Message.AccountsReply.class);
            Message notARequest = teacher.handle("10.0.0.9", new Message.Ack("hello")).get();
            assertThat(notARequest).isInstanceOfSatisfying(Message.Rejected.class, r -> {
                assertThat(r.code()).isEqualTo(400);
                assertThat(r.reason()).contains("Ack");
            });
        }
    }
}
