package org.classchain.core.peer;

import java.util.Optional;
import org.classchain.wire.Message;

/**
 * The session ids clients hold: {@code <hostNodeId>.<id>}, the id the host's {@code AccountHost}
 * made, named for the host so that any peer routes the later steps of a sign-in there (DESIGN
 * section 5). The only place the prefix is written or read.
 */
final class SessionIds {

    private static final char SEPARATOR = '.';

    private SessionIds() {
    }

    /** The session id a client holds for the session {@code local} of host {@code hostNodeId}. */
    static String named(String hostNodeId, String local) {
        return hostNodeId + SEPARATOR + local;
    }

    /** The node id of the host a session id names, if it names one. */
    static Optional<String> host(String session) {
        int dot = session == null ? -1 : session.indexOf(SEPARATOR);
        return dot > 0 ? Optional.of(session.substring(0, dot)) : Optional.empty();
    }

    /** The host's own id of a session id that names {@code hostNodeId}; empty when it names another host, or none. */
    static Optional<String> hostedBy(String session, String hostNodeId) {
        return host(session).filter(hostNodeId::equals).map(h -> session.substring(h.length() + 1));
    }

    private static String local(String session, String hostNodeId) {
        return hostedBy(session, hostNodeId).orElse(session);
    }

    /** The session a request belongs to; null for the first round of a sign-in, which has none yet. */
    static String of(Message.AuthRequest req) {
        if (req instanceof Message.AuthFinish f) {
            return f.session();
        } else if (req instanceof Message.GrantRequest g) {
            return g.session();
        } else if (req instanceof Message.LoginRequest l) {
            return l.session();
        } else if (req instanceof Message.EnrollRequest e) {
            return e.session();
        } else if (req instanceof Message.LogoutRequest o) {
            return o.session();
        }
        return null;
    }

    /** {@code req} with the host's own session id, as its {@code AccountHost} knows the session. */
    static Message.AuthRequest local(Message.AuthRequest req, String hostNodeId) {
        if (req instanceof Message.AuthFinish f) {
            return new Message.AuthFinish(f.username(), local(f.session(), hostNodeId), f.clientEvidence());
        } else if (req instanceof Message.GrantRequest g) {
            return new Message.GrantRequest(g.username(), local(g.session(), hostNodeId), g.counter(), g.commands(),
                    g.accounts(), g.mac());
        } else if (req instanceof Message.LoginRequest l) {
            return new Message.LoginRequest(l.username(), local(l.session(), hostNodeId), l.counter(), l.peerNodeId(),
                    l.mac());
        } else if (req instanceof Message.EnrollRequest e) {
            return new Message.EnrollRequest(e.username(), local(e.session(), hostNodeId), e.counter(), e.deviceKey(),
                    e.mac());
        } else if (req instanceof Message.LogoutRequest o) {
            return new Message.LogoutRequest(o.username(), local(o.session(), hostNodeId), o.counter(), o.mac());
        }
        return req;
    }
}
