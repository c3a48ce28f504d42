package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.Payload;
import org.classchain.Target;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.wire.Message;
import org.junit.jupiter.api.Test;

/**
 * A block relayed to each neighbour in turn is one announcement sent many times: its body is
 * encoded once (issue 22: the encoding was most of each send's CPU), and never served for another.
 */
class ClientCallsTest {

    private static ClientCalls calls() {
        CanonicalJson json = new CanonicalJson();
        return new ClientCalls(new WireJson(json, new BlockWire(new BlockCodec(json))));
    }

    @Test
    void oneAnnouncementIsEncodedOnceAndAnotherAfresh() {
        TestData data = new TestData(22);
        Block first = data.block(5, data.hash());
        Block second = data.block(6, first.hash());
        ClientCalls calls = calls();
        ClientCalls fresh = calls();

        Message.BlockAnnouncement a = new Message.BlockAnnouncement(first, "http://10.0.0.5:8080");
        ClientCalls.HttpCall once = calls.toHttp(a);
        assertThat(calls.toHttp(a).body()).as("the same announcement to the next neighbour").isSameAs(once.body());

        Message.BlockAnnouncement b = new Message.BlockAnnouncement(second, "http://10.0.0.5:8080");
        assertThat(calls.toHttp(b).body()).as("another block's announcement").isEqualTo(fresh.toHttp(b).body())
                .isNotEqualTo(once.body());
        // an equal announcement made anew (a different sender address) is encoded for itself
        Message.BlockAnnouncement c = new Message.BlockAnnouncement(first, "http://10.0.0.6:8080");
        assertThat(calls.toHttp(c).body()).isEqualTo(fresh.toHttp(c).body()).isNotEqualTo(once.body());
        assertThat(calls.toHttp(new Message.GetHead()).body()).isNull();
    }

    /**
     * The biggest block a peer accepts, announced with a full {@code pushedTo} list of the longest
     * addresses, fits the body limit of {@code POST /blocks}: a producer pushing to a room of 127 must
     * never be refused with 413 for the list it is asked to send. Before, the limit left 4 KiB over
     * the block, and a list of 128 addresses of 256 characters is 33 KiB.
     */
    @Test
    void theBiggestBlockWithTheLongestListFitsTheBodyLimit() {
        TestData data = new TestData(7);
        Block biggest = null;
        for (int n = 1; ; n++) {
            List<Command> commands = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                commands.add(Command.create("message", Target.all(), Map.of("text", "x".repeat(6 * 1024)),
                        TestData.NOW, Duration.ofMinutes(5)));
            }
            Block b = TestData.block(1, data.hash(), Payload.granted(commands, data.grant(commands, List.of())));
            if (TestData.CODEC.encode(b).length > BlockCodec.MAX_BLOCK_BYTES) {
                break;
            }
            biggest = b;
        }
        assertThat(TestData.CODEC.encode(biggest).length).isGreaterThan(BlockCodec.MAX_BLOCK_BYTES - 8 * 1024);
        String longest = "http://" + "a".repeat(Message.Hello.MAX_ADDRESS - "http://:8080".length()) + ":8080";
        List<String> pushed = new ArrayList<>();
        for (int i = 0; i < Message.BlockAnnouncement.MAX_PUSHED; i++) {
            pushed.add(longest.substring(0, longest.length() - 4) + (1000 + i));
        }
        ClientCalls.HttpCall call = calls().toHttp(new Message.BlockAnnouncement(biggest, longest, pushed));
        assertThat(call.body().length).isLessThanOrEqualTo(BlockWire.MAX_BLOCK_BODY_BYTES);
    }
}
