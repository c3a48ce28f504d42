package org.classchain.core.peer;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.classchain.Command;
import org.classchain.Payload;
import org.classchain.Target;
import org.classchain.core.auth.AccountHost;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.wire.Message;

/**
 * The auth requests for accounts hosted here, as this peer answers them: its {@link AccountHost}'s
 * answer, with each session id named for this host ({@link SessionIds}), a batch naming a module
 * no computer of the room has, or a {@code user:} target nobody of the room is known as, refused
 * first (unless forced), a teacher's batch of account records
 * checked ({@link Accounts#checkTeacherUpdates}), a device enrolled once the
 * TEACHER session's MAC is good ({@link Accounts#enroll}), and a granted batch stored
 * ({@link GrantedBatches}) before anyone is told it was accepted, then remembered by the
 * {@link BlockProducer}. Thread-safe.
 */
final class AccountHosting {

    /** Module names an unknown-module refusal lists at most (a student may say it has hundreds). */
    static final int MODULES_NAMED = 40;
    /** Usernames an unknown-user refusal lists at most. */
    static final int USERS_NAMED = 40;

    private final String nodeId;
    private final AccountHost host;
    private final Accounts accounts;
    private final GrantedBatches granted;
    private final BlockProducer producer;
    private final Supplier<ModuleRegistry> modules;
    private final PeerDirectory directory;
    private final Supplier<Set<String>> knownUsers;

    /**
     * @param modules the modules installed here
     * @param directory the modules the computers of the roster said they have
     * @param knownUsers the usernames of the room: accounts on the chain, and who is signed in here or
     *                   at the computers of the roster
     */
    AccountHosting(String nodeId, AccountHost host, Accounts accounts, GrantedBatches granted, BlockProducer producer,
                   Supplier<ModuleRegistry> modules, PeerDirectory directory, Supplier<Set<String>> knownUsers) {
        this.nodeId = nodeId;
        this.host = host;
        this.accounts = accounts;
        this.granted = granted;
        this.producer = producer;
        this.modules = modules;
        this.directory = directory;
        this.knownUsers = knownUsers;
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
        if (req instanceof Message.GrantRequest g && !g.force()) {
            Optional<Message.Rejected> unknown = unknownModule(g.commands());
            if (unknown.isEmpty()) {
                unknown = unknownUser(g.commands());
            }
            if (unknown.isPresent()) {
                return unknown.get();
            }
        }
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

    /**
     * At the teacher's host, before anything is granted: a command whose module neither this peer
     * nor any computer its roster heard from has installed is refused (422), naming what the room
     * has; mined, it would stay on the chain for good and run nowhere (issue 20, item 1).
     */
    private Optional<Message.Rejected> unknownModule(List<Command> commands) {
        Set<String> room = null;
        for (Command c : commands) {
            if (modules.get().find(c.module()).isPresent()) {
                continue;
            }
            if (room == null) {
                room = directory.modules();
                room.addAll(modules.get().names());
            }
            if (!room.contains(c.module())) {
                List<String> named = room.stream().limit(MODULES_NAMED).toList();
                return Optional.of(Message.Rejected.of(422, "unknown module '" + c.module() + "'; installed: "
                        + String.join(", ", named) + (room.size() > named.size() ? " and " + (room.size()
                        - named.size()) + " more" : "")));
            }
        }
        return Optional.empty();
    }

    /**
     * At the teacher's host, before anything is granted: a command for {@code user:} names nobody
     * has an account of, nor is signed in as at a computer this host knows, is refused (422),
     * naming them and the known users; mined, it would wait on the chain for nobody (issue 19, item 2).
     */
    private Optional<Message.Rejected> unknownUser(List<Command> commands) {
        if (commands.stream().noneMatch(c -> c.target().kind() == Target.Kind.USERS)) {
            return Optional.empty();
        }
        Set<String> known = new TreeSet<>(knownUsers.get());
        for (Command c : commands) {
            if (c.target().kind() != Target.Kind.USERS) {
                continue;
            }
            List<String> unknown = c.target().values().stream().filter(u -> !known.contains(u)).toList();
            if (!unknown.isEmpty()) {
                List<String> named = known.stream().limit(USERS_NAMED).toList();
                return Optional.of(Message.Rejected.of(422, "unknown user " + String.join(", ", unknown)
                        + "; known users: " + (named.isEmpty() ? "(none)" : String.join(", ", named))
                        + (known.size() > named.size() ? " and " + (known.size() - named.size()) + " more" : "")));
            }
        }
        return Optional.empty();
    }

    /** A view token is good only for a TEACHER session this peer holds (where its receipts are). */
    Message onViewCheck(Message.ViewCheck v) {
        if (SessionIds.hostedBy(v.session(), nodeId).filter(s -> host.canView(s, v.until(), v.mac(), nodeId)).isPresent()) {
            return new Message.Ack("the teacher's view");
        }
        return Message.Rejected.of(401, "screens and receipts are the teacher's: sign in as the teacher at this peer");
    }
}
