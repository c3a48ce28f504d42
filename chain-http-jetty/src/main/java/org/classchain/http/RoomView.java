package org.classchain.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.classchain.Account;
import org.classchain.DesktopHealth;
import org.classchain.PeerInfo;
import org.classchain.PeerStatus;
import org.classchain.wire.Message;
import org.classchain.wire.Message.GetPeers;
import org.classchain.wire.Message.GetStatus;
import org.classchain.wire.Message.PeersReply;
import org.classchain.wire.Message.Rejected;
import org.classchain.wire.Message.StatusReply;
import org.classchain.wire.MessageHandler;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * {@code GET /api/v1/room}: the console's room view, which no single peer message gives. This
 * peer's known peers ({@code GET /peers}) each joined with that peer's own status, asked over the
 * network with a short deadline: role, height, users signed in there, and whether it answered.
 *
 * <p>Shape: {@code {"self": nodeId, "at": epoch ms, "peers": [{"nodeId", "address", "neighbour",
 * "lastSeen", "online", "state", "role", "height", "headHash", "users", "macs", "desktop", "transfers"}]}}; {@code state} is
 * {@code online} or {@code offline}; {@code height} and {@code headHash} are null for a peer that
 * did not answer; {@code role} is what this peer's chain says of the node ({@link PeerInfo#role()}),
 * answering or not, else the role its status claims, and {@code users} what this peer last heard (at most {@link #MAX_USERS} well-formed names): a
 * student whose computer stops stays a student of the room, offline, even across a restart of this
 * peer, which keeps the node ids it verified (issue 19, item 1). {@code desktop} is what the peer's status says of
 * its desktop ({@code {"display", "agents", "agentRestarts", "lastAgentRestart", "interruptions", "note"}},
 * {@link DesktopHealth}), null when it did not answer or does not say: a killed session agent shows here within a
 * status round. A status that names another node than the one this peer verified at that address counts as no
 * answer (the row stays that node's, offline): a classmate's peer cannot speak for another computer's card.
 * {@code transfers} are the files it says it is fetching ({@code [{"root", "name", "verified", "size",
 * "sources", "percent"}]}, {@link org.classchain.FileProgress}, at most {@link #MAX_TRANSFERS}), empty when none,
 * offline or not said: the console's per-computer progress. The answer is cached for {@link #CACHE_MILLIS}, so any number of open consoles
 * (or a student hammering the route) cost the room one status round per period.
 *
 * <p>Thread-safe.
 */
final class RoomView {

    /** How long one room answer is reused. */
    static final long CACHE_MILLIS = 2_000;
    /** At most this many files in progress per computer reach the console (a student's peer may claim thousands). */
    static final int MAX_TRANSFERS = 8;
    /**
     * At most this many users per computer reach the console, each a well-formed account name (a
     * student's peer may claim thousands, or names that are markup).
     */
    static final int MAX_USERS = 32;
    /** A file's name is cut to this many characters on the card. */
    static final int MAX_NAME = 120;
    /** How long a peer has to answer its status. */
    static final long STATUS_DEADLINE_MILLIS = 2_000;
    /** The most peers asked per round. */
    static final int MAX_PEERS = 300;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final MessageHandler handler;
    private final BiFunction<String, Message, CompletableFuture<Message>> sender;
    private final Scheduler scheduler;
    private final Object lock = new Object();
    private CompletableFuture<Routes.Reply> current;
    private long currentAt;

    /**
     * @param handler this peer
     * @param sender sends a message to another peer's address (the transport's client side)
     * @param scheduler for the status deadline
     */
    RoomView(MessageHandler handler, BiFunction<String, Message, CompletableFuture<Message>> sender,
             Scheduler scheduler) {
        this.handler = handler;
        this.sender = sender;
        this.scheduler = scheduler;
    }

    /** The room, from the cache when it is fresh. */
    CompletableFuture<Routes.Reply> serve(String from) {
        synchronized (lock) {
            long now = System.currentTimeMillis();
            boolean fresh = current != null && now - currentAt < CACHE_MILLIS
                    && !current.isCompletedExceptionally();
            if (fresh) {
                return current;
            }
            currentAt = now;
            current = build(from);
            return current;
        }
    }

    private CompletableFuture<Routes.Reply> build(String from) {
        CompletableFuture<Message> self = Routes.ask(handler, from, new GetStatus());
        CompletableFuture<Message> known = Routes.ask(handler, from, new GetPeers());
        return self.thenCombine(known, Pair::new).thenCompose(p -> {
            if (p.self() instanceof Rejected r) {
                return CompletableFuture.completedFuture(Routes.rejected(r));
            }
            if (p.peers() instanceof Rejected r) {
                return CompletableFuture.completedFuture(Routes.rejected(r));
            }
            PeerStatus me = ((StatusReply) p.self()).status();
            List<PeerInfo> peers = ((PeersReply) p.peers()).peers();
            return gather(me, peers.subList(0, Math.min(peers.size(), MAX_PEERS)));
        });
    }

    private record Pair(Message self, Message peers) {
    }

    private CompletableFuture<Routes.Reply> gather(PeerStatus me, List<PeerInfo> peers) {
        Map<String, PeerInfo> byAddress = new LinkedHashMap<>();
        for (PeerInfo p : peers) {
            byAddress.putIfAbsent(p.address(), p);
        }
        List<CompletableFuture<PeerStatus>> asked = new ArrayList<>();
        List<PeerInfo> rows = new ArrayList<>(byAddress.values());
        for (PeerInfo p : rows) {
            if (me.nodeId().equals(p.nodeId()) || Objects.equals(me.address(), p.address())) {
                asked.add(CompletableFuture.completedFuture(me));
            } else {
                asked.add(statusOf(p.address()));
            }
        }
        return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).thenApply(v -> {
            ObjectNode o = NODES.objectNode();
            o.put("self", me.nodeId());
            o.put("at", System.currentTimeMillis());
            ArrayNode arr = o.putArray("peers");
            for (int i = 0; i < rows.size(); i++) {
                arr.add(row(rows.get(i), asked.get(i).join()));
            }
            return Routes.Reply.json(200, WireJson.bytes(o));
        });
    }

    private CompletableFuture<PeerStatus> statusOf(String address) {
        CompletableFuture<PeerStatus> out = new CompletableFuture<>();
        CompletableFuture<Message> call;
        try {
            call = sender.apply(address, new GetStatus());
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(null);
        }
        Scheduler.Task deadline = scheduler.schedule(() -> {
            out.complete(null);
            call.cancel(true);
        }, STATUS_DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
        call.whenComplete((m, t) -> {
            deadline.cancel();
            out.complete(m instanceof StatusReply s ? s.status() : null);
        });
        return out;
    }

    private ObjectNode row(PeerInfo info, PeerStatus status) {
        if (status != null && info.nodeId() != null && !info.nodeId().equals(status.nodeId())) {
            // a status naming another computer than the one verified at that address is no answer of
            // that computer: a classmate's peer would otherwise speak for another's card (its desktop, its users)
            status = null;
        }
        ObjectNode r = NODES.objectNode();
        r.put("nodeId", status != null ? status.nodeId() : info.nodeId());
        r.put("address", info.address());
        r.put("neighbour", info.neighbour());
        if (info.lastSeen() == null) {
            r.putNull("lastSeen");
        } else {
            r.put("lastSeen", info.lastSeen().toEpochMilli());
        }
        r.put("online", status != null);
        r.put("state", status != null ? "online" : "offline");
        r.put("role", info.role() != null ? info.role().name() : status != null ? status.role().name() : null);
        if (status == null) {
            r.putNull("height");
        } else {
            r.put("height", status.height());
        }
        r.put("headHash", status == null || status.headHash() == null ? null : status.headHash().hex());
        ArrayNode users = r.putArray("users");
        (status != null ? status.users() : info.users()).stream().filter(Account::isValidUsername).distinct()
                .limit(MAX_USERS).forEach(users::add);
        ArrayNode macs = r.putArray("macs"); // as this peer keeps them: how to wake it when it is off
        info.macs().forEach(macs::add);
        DesktopHealth desktop = status == null ? null : status.desktop();
        if (desktop == null) {
            r.putNull("desktop"); // offline, without a desktop service, or a peer from before it was reported
        } else {
            ObjectNode d = r.putObject("desktop");
            d.put("display", desktop.display());
            d.put("agents", desktop.agents());
            d.put("agentRestarts", desktop.agentRestarts());
            if (desktop.lastAgentRestart() == null) {
                d.putNull("lastAgentRestart");
            } else {
                d.put("lastAgentRestart", desktop.lastAgentRestart().toEpochMilli());
            }
            d.put("interruptions", desktop.interruptions());
            d.put("note", desktop.note());
        }
        ArrayNode transfers = r.putArray("transfers"); // as the student's own peer says: it may misreport it
        if (status != null) {
            status.transfers().stream().limit(MAX_TRANSFERS).forEach(t -> transfers.addObject()
                    .put("root", t.root()).put("name", clip(t.name())).put("verified", t.verified())
                    .put("size", t.size()).put("sources", t.sources()).put("percent", t.percent()));
        }
        return r;
    }

    private static String clip(String name) {
        return name.length() <= MAX_NAME ? name : name.substring(0, MAX_NAME) + "…";
    }
}
