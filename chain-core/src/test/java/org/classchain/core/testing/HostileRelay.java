package org.classchain.core.testing;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.classchain.Command;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;

/**
 * A student's modified peer, as seen on the wire: it records every auth relay it sends, can
 * alter the batches it relays (the commands, keeping the MAC), can tamper with sign-in values,
 * and can replay what it recorded.
 */
public final class HostileRelay extends ForwardingTransport {

    /** What the relay does to what it forwards. */
    public enum Mode { PASS, ALTER_BATCH, ALTER_EVIDENCE }

    public final List<Message.AuthRelay> recorded = new CopyOnWriteArrayList<>();
    public volatile Mode mode = Mode.PASS;

    public HostileRelay(Transport inner) {
        super(inner);
    }

    @Override
    public CompletableFuture<Message> send(String address, Message request) {
        if (request instanceof Message.AuthRelay r) {
            recorded.add(r);
            Message.AuthRequest altered = alter(r.request());
            request = new Message.AuthRelay(r.relayId(), r.hostNodeId(), r.hopsLeft(), altered);
        }
        return super.send(address, request);
    }

    private Message.AuthRequest alter(Message.AuthRequest req) {
        if (mode == Mode.ALTER_BATCH && req instanceof Message.GrantRequest g) {
            List<Command> changed = g.commands().stream().map(c -> new Command(c.id(), c.module(), c.target(),
                    Map.of("n", "666"), c.notAfter())).toList();
            return new Message.GrantRequest(g.username(), g.session(), g.counter(), changed, g.accounts(), g.mac());
        }
        if (mode == Mode.ALTER_EVIDENCE && req instanceof Message.AuthFinish f) {
            byte[] m1 = f.clientEvidence();
            m1[0] ^= 1;
            return new Message.AuthFinish(f.username(), f.session(), m1);
        }
        return req;
    }

    /** Sends a recorded relay again, as new (a fresh relay id), straight to {@code host}. */
    public CompletableFuture<Message> replay(Message.AuthRelay r, String host) {
        return super.send(host, new Message.AuthRelay(UUID.randomUUID(), r.hostNodeId(), r.hopsLeft(), r.request()));
    }
}
