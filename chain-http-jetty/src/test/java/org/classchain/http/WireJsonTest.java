package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.classchain.DesktopHealth;
import org.classchain.PeerStatus;
import org.classchain.Receipt;
import org.classchain.Role;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.block.ReceiptCodec;
import org.classchain.wire.Message;
import org.junit.jupiter.api.Test;

/** The wire's one receipt form, and the strictness the record binding keeps. */
class WireJsonTest {

    private final TestData data = new TestData(7);
    private final CanonicalJson json = new CanonicalJson();
    private final WireJson wire = new WireJson(json, new BlockWire(new BlockCodec(json)));

    @Test
    void a_receipt_on_the_wire_is_the_form_a_host_stores() throws Exception {
        for (boolean withAttachment : new boolean[] {true, false}) {
            Receipt r = data.receipt(withAttachment);
            assertThat(json.parse(wire.write(r))).isEqualTo(json.parse(ReceiptCodec.encode(r)));
            assertThat(wire.read(wire.write(r), Receipt.class)).isEqualTo(r);
        }
    }

    @Test
    void a_described_receipt_names_its_attachment_without_the_bytes_and_reads_back_without_one() throws Exception {
        Receipt r = data.receipt(true);
        ObjectNode described = wire.describedTree(r);
        assertThat(described.get("attachment").get("contentType").asText()).isEqualTo("image/png");
        assertThat(described.get("attachment").get("size").asInt()).isEqualTo(r.attachment().content().length);
        assertThat(described.get("attachment").has("base64")).isFalse();
        assertThat(wire.read(described, Receipt.class).attachment()).isNull();
        ObjectNode expected = wire.tree(r);
        expected.remove("attachment");
        described.remove("attachment");
        assertThat(described).isEqualTo(expected);
    }

    @Test
    void a_status_with_the_desktop_reads_back_and_one_from_an_older_peer_reads_as_not_known() throws Exception {
        PeerStatus withDesktop = new PeerStatus(Role.STUDENT, "n1", data.nodeKey(), "http://x:1", "chain-1", 3, data.hash(),
                List.of(), List.of("alice"), 0, List.of("lock"), List.of(),
                new DesktopHealth(true, 1, 2, java.time.Instant.ofEpochMilli(1_700_000_000_123L), 3, ""));
        assertThat(wire.read(wire.write(withDesktop), PeerStatus.class)).isEqualTo(withDesktop);
        ObjectNode tree = wire.tree(withDesktop);
        assertThat(tree.get("desktop").get("lastAgentRestart").asLong()).isEqualTo(1_700_000_000_123L);

        // an older peer says nothing of its desktop: not known, not an error
        tree.remove("desktop");
        assertThat(wire.read(tree, PeerStatus.class).desktop()).isNull();
        // a desktop with no restart yet and no note (a newer peer may leave them out)
        tree.set("desktop", json.parse("{\"display\":false,\"agents\":0,\"agentRestarts\":0,\"interruptions\":0}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(wire.read(tree, PeerStatus.class).desktop()).isEqualTo(new DesktopHealth(false, 0, 0, null, 0, ""));
        // but a count it claims must be a count
        tree.set("desktop", json.parse("{\"display\":true,\"agents\":-1,\"agentRestarts\":0,\"interruptions\":0}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> wire.read(tree, PeerStatus.class)).isInstanceOf(HttpProblem.class);
    }

    @Test
    void a_status_with_files_in_progress_reads_back_and_one_from_an_older_peer_reads_as_none() throws Exception {
        PeerStatus fetching = new PeerStatus(Role.STUDENT, "n1", data.nodeKey(), "http://x:1", "chain-1", 3, data.hash(),
                List.of(), List.of(), 0, List.of(), List.of(), null,
                List.of(new org.classchain.FileProgress(data.hash().hex(), "worksheet.pdf", 340, 1000, 2)));
        assertThat(wire.read(wire.write(fetching), PeerStatus.class)).isEqualTo(fetching);
        assertThat(fetching.transfers().get(0).percent()).isEqualTo(34);
        ObjectNode tree = wire.tree(fetching);
        tree.remove("transfers");
        assertThat(wire.read(tree, PeerStatus.class).transfers()).isEmpty();
        // more verified than the file holds is no progress
        tree.set("transfers", json.parse(("[{\"root\":\"ab\",\"name\":\"w\",\"verified\":2000,\"size\":1000,"
                + "\"sources\":1}]").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> wire.read(tree, PeerStatus.class)).isInstanceOf(HttpProblem.class);
    }

    @Test
    void no_scalar_is_coerced_and_every_failure_names_its_field() {
        String key = "\"publicKey\":\"" + "ab".repeat(32) + "\",\"address\":\"http://x:1\"";
        assertThatThrownBy(() -> wire.read("{\"nodeId\":5,".concat(key).concat("}").getBytes(), Message.Hello.class))
                .hasMessage("field 'nodeId' must be a string");
        assertThatThrownBy(() -> wire.read("{\"nodeId\":true,".concat(key).concat("}").getBytes(), Message.Hello.class))
                .hasMessage("field 'nodeId' must be a string");
        assertThatThrownBy(() -> wire.read("{\"nodeId\":null,".concat(key).concat("}").getBytes(), Message.Hello.class))
                .hasMessage("missing field 'nodeId'");
        assertThatThrownBy(() -> wire.read("{\"from\":\"1\",\"limit\":2}".getBytes(), Message.GetBlocks.class))
                .hasMessage("field 'from' must be a whole number");
        assertThatThrownBy(() -> wire.read("{\"from\":1,\"limit\":2.5}".getBytes(), Message.GetBlocks.class))
                .hasMessage("field 'limit' must be a whole number");
        assertThatThrownBy(() -> wire.read("{\"receipts\":[{\"commandId\":\"x\"}]}".getBytes(), Message.Receipts.class))
                .hasMessageContaining("receipts[0]");
        assertThatThrownBy(() -> wire.read("{\"M2\":\"00\",\"role\":1}".getBytes(), Message.AuthConfirmed.class))
                .hasMessage("field 'role' must be one of [TEACHER, STUDENT]");
        assertThatThrownBy(() -> wire.read("{\"M2\":\"00\",\"expiresAt\":\"soon\"}".getBytes(), Message.AuthConfirmed.class))
                .hasMessage("field 'expiresAt' must be a whole number (epoch ms)");
        assertThatThrownBy(() -> wire.read("{\"M2\":\"0g\"}".getBytes(), Message.AuthConfirmed.class))
                .hasMessage("field 'M2' must be hex (an even number of hex digits)");
    }

    @Test
    void optional_fields_may_be_absent_or_null() throws Exception {
        Message.AuthConfirmed c = wire.read("{\"M2\":\"00ff\",\"role\":null}".getBytes(), Message.AuthConfirmed.class);
        assertThat(c.role()).isNull();
        assertThat(c.expiresAt()).isNull();
        Message.GrantRequest g = wire.read(("{\"username\":\"t\",\"session\":\"s\",\"counter\":1,\"commands\":[],"
                + "\"mac\":\"00\"}").getBytes(), Message.GrantRequest.class);
        assertThat(g.accounts()).isEmpty();
        assertThat(g.force()).isFalse();
    }
}
