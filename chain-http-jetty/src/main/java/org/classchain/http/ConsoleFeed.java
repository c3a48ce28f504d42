package org.classchain.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.Grant;
import org.classchain.PeerListener;
import org.classchain.Receipt;

/**
 * Feeds a peer's events to the consoles connected to a {@link JettyTransport}: add it to the peer
 * with {@code Peer.builder().listener(new ConsoleFeed(transport))}. The transport is created
 * before the peer, so the feed holds the transport, not the peer.
 *
 * <p>Events ({@code data} is one JSON object, instants in epoch milliseconds):
 * <ul>
 * <li>{@code block}: a block joined the best chain: {@code {"height", "hash", "time", "commands":
 * [{"id", "module", "target": {"kind", "values"}, "args", "notAfter"}], "grant": {"username",
 * "role", "hostNodeId", "grantId", "issuedAt"} or null, "genesis"}};</li>
 * <li>{@code detached}: a block left the best chain in a reorg: {@code {"height", "hash"}};</li>
 * <li>{@code receipt}, to a signed-in teacher's streams only: a receipt reached this peer (only
 * the teacher's hosts collect them):
 * the receipt in its one wire form ({@code RECEIPT} of ROUTES.md) with its attachment only described,
 * {@code {"contentType", "size"}}; the attachment itself is at {@code GET /api/v1/commands/{commandId}/attachments/{peerId}}, with the
 * teacher's view token.</li>
 * </ul>
 *
 * <p>Thread-safe and quick: each callback encodes one small JSON object and queues it.
 */
public final class ConsoleFeed implements PeerListener {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JettyTransport transport;

    /**
     * A feed publishing on {@code transport}.
     *
     * @param transport the transport whose event stream the consoles read
     */
    public ConsoleFeed(JettyTransport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    @Override
    public void blockAppended(Block block) {
        if (transport.eventClients() == 0) {
            return;
        }
        transport.publish("block", text(block(block)));
    }

    @Override
    public void blockDetached(Block block) {
        if (transport.eventClients() == 0) {
            return;
        }
        ObjectNode o = NODES.objectNode();
        o.put("height", block.height());
        o.put("hash", block.hash().hex());
        transport.publish("detached", text(o));
    }

    @Override
    public void receiptReceived(Receipt receipt) {
        if (transport.eventClients() == 0) {
            return;
        }
        transport.publishToTeacher("receipt", text(transport.wire().describedTree(receipt)));
    }

    /** The {@code block} event's data. */
    static ObjectNode block(Block block) {
        ObjectNode o = NODES.objectNode();
        o.put("height", block.height());
        o.put("hash", block.hash().hex());
        o.put("time", block.header().timestampMillis());
        o.put("genesis", block.payload().isGenesis());
        ArrayNode commands = o.putArray("commands");
        for (Command c : block.payload().commands()) {
            ObjectNode co = commands.addObject();
            co.put("id", c.id().toString());
            co.put("module", c.module());
            ObjectNode t = co.putObject("target");
            t.put("kind", c.target().kind().name());
            ArrayNode values = t.putArray("values");
            c.target().values().forEach(values::add);
            ObjectNode args = co.putObject("args");
            for (Map.Entry<String, String> e : c.args().entrySet()) {
                args.put(e.getKey(), e.getValue());
            }
            co.put("notAfter", c.notAfter().toEpochMilli());
        }
        ArrayNode accounts = o.putArray("accounts");
        for (org.classchain.Account a : block.payload().accounts()) {
            ObjectNode ao = accounts.addObject();
            ao.put("username", a.username());
            ao.put("role", a.role().name());
            ArrayNode keys = ao.putArray("hostKeys");
            a.hostKeys().forEach(k -> keys.add(k.hex()));
        }
        Grant g = block.payload().grant();
        if (g == null) {
            o.putNull("grant");
        } else {
            ObjectNode go = o.putObject("grant");
            go.put("username", g.username());
            go.put("role", g.role().name());
            go.put("hostNodeId", g.hostNodeId());
            go.put("grantId", g.grantId().toString());
            go.put("issuedAt", g.issuedAt().toEpochMilli());
        }
        return o;
    }

    private static String text(ObjectNode o) {
        return new String(WireJson.bytes(o), StandardCharsets.UTF_8);
    }
}
