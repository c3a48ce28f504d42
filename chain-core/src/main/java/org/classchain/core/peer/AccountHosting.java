package org.classchain.core.peer;

import java.util.Optional;
import org.classchain.Payload;
import org.classchain.core.auth.AccountHost;
import org.classchain.spi.Message;

/**
 * The auth requests for accounts hosted here, as this peer answers them: its {@link AccountHost}'s
 * answer, with each session id named for this host ({@link SessionIds}), a teacher's batch of
 * account records checked first ({@link Accounts#checkTeacherUpdates}), a device enrolled once the
 * TEACHER session's MAC is good ({@link Accounts#enroll}), and a granted batch stored
 * ({@link GrantedBatches}) before anyone is told it was accepted, then remembered by the
 * {@link BlockProducer}. Thread-safe.
 */
final class AccountHosting {

    private final String nodeId;
    private final AccountHost host;
    private final Accounts accounts;
    private final GrantedBatches granted;
    private final BlockProducer producer;

    AccountHosting(String nodeId, AccountHost host, Accounts accounts, GrantedBatches granted, BlockProducer producer) {
        this.nodeId = nodeId;
        this.host = host;
        this.accounts = accounts;
        this.granted = granted;
        this.producer = producer;
    }

    /** Whether this peer hosts {@code username}'s credential. */
    boolean hosts(String username) {
        return host.hosts(username);
    }

    /**
     * Answers an auth request for an account hosted here.
     *
     * @param from where it came from: the client, or the relaying peer
     * @param origin for a relay, where the relaying peer {@code from} got it (sign-in limits), else null
     */
    Message handle(Message.AuthRequest req, String from, String origin) {
        if (req instanceof Message.GrantRequest g && !g.accounts().isEmpty()) {
            Optional<Message.Rejected> refused = accounts.checkTeacherUpdates(g.accounts());
            if (refused.isPresent()) {
                return refused.get();
            }
        }
        Message reply = host.handle(SessionIds.local(req, nodeId), from, origin);
        if (reply instanceof Message.Ack && req instanceof Message.EnrollRequest e) {
            return accounts.enroll(e.username(), e.deviceKey()); // the MAC of a TEACHER session is good
        }
        if (reply instanceof Message.AuthChallenge c) {
            return new Message.AuthChallenge(SessionIds.named(nodeId, c.session()), c.salt(), c.iterations(),
                    c.serverPublic());
        }
        if (reply instanceof Message.GrantIssued g && req instanceof Message.GrantRequest gr) {
            Payload batch = new Payload(gr.commands(), gr.accounts(), g.grant(), null);
            if (!granted.keep(batch)) { // durable before anyone is told it was accepted
                return Message.Rejected.of(503, "this host cannot store the batch; try again");
            }
            producer.remember(batch);
        }
        return reply;
    }

    /** A view token is good only for a TEACHER session this peer holds (where its receipts are). */
    Message onViewCheck(Message.ViewCheck v) {
        if (SessionIds.hostedBy(v.session(), nodeId).filter(s -> host.canView(s, v.until(), v.mac(), nodeId)).isPresent()) {
            return new Message.Ack("the teacher's view");
        }
        return Message.Rejected.of(401, "screens and receipts are the teacher's: sign in as the teacher at this peer");
    }
}
