package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.classchain.wire.Message;
import org.junit.jupiter.api.Test;

/** The {@code <hostNodeId>.<id>} prefix of a session id, written and read in one place. */
class SessionIdsTest {

    private static final String HOST = "ab12cd34";

    @Test
    void aSessionIdNamesItsHostAndOnlyThatHostStripsIt() {
        String session = SessionIds.named(HOST, "s3cr3t-id");
        assertThat(session).isEqualTo("ab12cd34.s3cr3t-id");
        assertThat(SessionIds.host(session)).contains(HOST);
        assertThat(SessionIds.hostedBy(session, HOST)).contains("s3cr3t-id");
        assertThat(SessionIds.hostedBy(session, "ffff0000")).isEmpty();
        assertThat(SessionIds.hostedBy(SessionIds.named(HOST, "a.b"), HOST)).as("only the first dot separates")
                .contains("a.b");
    }

    @Test
    void anIdWithoutAHostNamesNone() {
        assertThat(SessionIds.host(null)).isEmpty();
        assertThat(SessionIds.host("no-dot")).isEmpty();
        assertThat(SessionIds.host(".starts-with-a-dot")).isEmpty();
        assertThat(SessionIds.of(new Message.AuthStart("alice", new byte[] {1}))).isNull();
    }

    @Test
    void theHostSeesItsOwnIdAndAnotherHostsSessionIsLeftAlone() {
        Message.GrantRequest mine = new Message.GrantRequest("t", SessionIds.named(HOST, "k"), 7, List.of(), List.of(),
                new byte[32]);
        Message.GrantRequest local = (Message.GrantRequest) SessionIds.local(mine, HOST);
        assertThat(local.session()).isEqualTo("k");
        assertThat(local.counter()).isEqualTo(7);
        Message.LoginRequest theirs = new Message.LoginRequest("t", "ffff0000.k", 1, HOST, new byte[32]);
        assertThat(((Message.LoginRequest) SessionIds.local(theirs, HOST)).session()).isEqualTo("ffff0000.k");
        assertThat(SessionIds.of(theirs)).isEqualTo("ffff0000.k");
    }
}
