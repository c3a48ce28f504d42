package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.classchain.Block;
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
}
