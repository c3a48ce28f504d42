package org.classchain.core.client;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.classchain.Command;
import org.classchain.CommandReport;
import org.classchain.PeerInfo;
import org.classchain.PeerStatus;
import org.classchain.core.auth.SrpClient;
import org.classchain.core.block.CanonicalJson;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;

/**
 * What the CLI and the tests do as a teacher: sign in through any peer (the password never
 * leaves this object; only SRP values travel), then send MAC'd batches through any peer and
 * read their receipts. One session; calls in order (not thread-safe).
 */
public final class TeacherClient {

    private final Transport transport;
    private final SrpClient srp;
    private final Duration timeout;

    /** A client sending through {@code transport} (which need not be started to send). */
    public TeacherClient(Transport transport, SecureRandom random, Duration timeout) {
        this.transport = transport;
        this.srp = new SrpClient(new CanonicalJson(), random);
        this.timeout = timeout;
    }

    /** Sends one request and waits for its reply. */
    public Message call(String peer, Message request) throws Exception {
        try {
            return transport.send(peer, request).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        } catch (TimeoutException e) {
            throw new TimeoutException(peer + " did not answer within " + timeout.toMillis() + " ms");
        }
    }

    /**
     * Signs in through {@code peer}. Returns the host's confirmation, or the refusal (401 wrong
     * password, 429 the account's guessing budget is spent and this source failed repeatedly).
     *
     * @throws SecurityException when the host's evidence does not verify: whoever answered does
     *                           not know the account's verifier
     */
    public Message signIn(String peer, String username, String password) throws Exception {
        Message challenge = call(peer, srp.start(username));
        if (!(challenge instanceof Message.AuthChallenge c)) {
            return challenge;
        }
        Message confirmed = call(peer, srp.respond(c, password));
        if (confirmed instanceof Message.AuthConfirmed ok && !srp.verifyServer(ok)) {
            throw new SecurityException("the peer could not prove it holds this account: it may be an impostor");
        }
        return confirmed;
    }

    /**
     * Sends one batch through {@code peer}: {@link Message.Submitted} or a refusal (422 when a
     * command's module is installed on no computer the teacher's host knows of).
     */
    public Message submit(String peer, List<Command> commands) throws Exception {
        return submit(peer, commands, false);
    }

    /** As {@link #submit(String, List)}; {@code force} sends modules the host knows no computer to have. */
    public Message submit(String peer, List<Command> commands, boolean force) throws Exception {
        return call(peer, new Message.SubmitBatch(srp.grantRequest(commands, List.of()).withForce(force)));
    }

    /**
     * Sends account records (a name freed, a name renamed) through {@code peer} as a MAC'd batch
     * without commands: {@link Message.Submitted} or a refusal.
     */
    public Message updateAccounts(String peer, List<org.classchain.Account> accounts) throws Exception {
        return call(peer, new Message.SubmitBatch(srp.grantRequest(List.of(), accounts)));
    }

    /**
     * Asks the teacher's host, through {@code peer}, to enroll the device with this node key as a
     * host of the teacher's account: {@link Message.Ack} or a refusal.
     */
    public Message enroll(String peer, org.classchain.NodeKey deviceKey) throws Exception {
        return call(peer, srp.enroll(deviceKey));
    }

    /** The accounts on {@code peer}'s chain, retired ones included. */
    public List<org.classchain.Account> accounts(String peer) throws Exception {
        return expect(call(peer, new Message.GetAccounts()), Message.AccountsReply.class).accounts();
    }

    /** Signs the person in at the peer with node id {@code atNodeId}, through {@code peer}. */
    public Message login(String peer, String atNodeId) throws Exception {
        return call(peer, srp.login(atNodeId));
    }

    /** Ends the session at its host, through {@code peer}: its view tokens stop working. */
    public Message logout(String peer) throws Exception {
        return call(peer, srp.logout());
    }

    /**
     * The query string ({@code session=..&until=..&mac=..}) that opens the teacher's private views
     * (receipt events, screens) at the peer with node id {@code atNodeId} until {@code until}; that
     * peer must hold the session (see {@link #hostNodeId()}).
     */
    public String viewQuery(String atNodeId, Instant until) {
        Message.ViewCheck v = srp.view(atNodeId, until);
        return "session=" + URLEncoder.encode(v.session(), StandardCharsets.UTF_8) + "&until=" + v.until() + "&mac="
                + HexFormat.of().formatHex(v.mac());
    }

    /** The node id of the host that holds this session (where receipts are collected). */
    public String hostNodeId() {
        String s = srp.session();
        int dot = s == null ? -1 : s.indexOf('.');
        return dot > 0 ? s.substring(0, dot) : null;
    }

    /** A command's report as {@code peer} knows it. */
    public CommandReport report(String peer, UUID id) throws Exception {
        return expect(call(peer, new Message.GetCommand(id)), Message.CommandReply.class).report();
    }

    /** A peer's status. */
    public PeerStatus status(String peer) throws Exception {
        return expect(call(peer, new Message.GetStatus()), Message.StatusReply.class).status();
    }

    /** The peers {@code peer} knows, itself first. */
    public List<PeerInfo> peers(String peer) throws Exception {
        return expect(call(peer, new Message.GetPeers()), Message.PeersReply.class).peers();
    }

    private static <T extends Message> T expect(Message m, Class<T> type) {
        if (type.isInstance(m)) {
            return type.cast(m);
        }
        if (m instanceof Message.Rejected r) {
            throw new IllegalStateException(r.reason() + " (" + r.code() + ")");
        }
        throw new IllegalStateException("unexpected reply " + m);
    }
}
