package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class CliTest {

    private static String stderrOf(String... args) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertThat(ClassChainCli.run(args)).isNotZero();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void durationsReadLikePeopleWriteThem() {
        Durations d = new Durations();
        assertThat(d.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(d.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(d.convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(d.convert("1d")).isEqualTo(Duration.ofDays(1));
        assertThat(d.convert("PT5M")).isEqualTo(Duration.ofMinutes(5));
        assertThatThrownBy(() -> d.convert("soon")).isInstanceOf(TypeConversionException.class).hasMessageContaining("90s");
    }

    @Test
    void errorsNameTheProblem() {
        assertThat(stderrOf("send", "--peer", "http://127.0.0.1:1", "--user", "t", "message", "--target", "everyone"))
                .contains("a target is all, peer:ID, user:NAME or role:ROLE");
        assertThat(stderrOf("send", "--peer", "http://127.0.0.1:1", "--user", "t", "message", "--arg", "novalue"))
                .contains("--arg takes key=value");
        assertThat(stderrOf("send", "--peer", "http://127.0.0.1:1", "--user", "t", "message", "--ttl", "8d"))
                .contains("time to live");
        assertThat(stderrOf("peer", "--port", "0", "--host", "127.0.0.1"))
                .contains("give --user");
        assertThat(stderrOf("peer", "--deny", "a", "--allow", "b", "--user", "t"))
                .contains("--deny or --allow, not both");
        assertThat(stderrOf("status", "--peer", "http://127.0.0.1:1")).startsWith("classchain: ");
        assertThat(stderrOf("peer", "--port", "0", "--host", "127.0.0.1", "--create-room", "--user", "t"))
                .contains("--create-room needs the room's name");
        assertThat(stderrOf("rooms", "--wait", "soon")).contains("not a duration");
        // a seed typed without http:// is refused at once, not retried until --join-timeout (60 s)
        long start = System.nanoTime();
        assertThat(stderrOf("peer", "--port", "0", "--host", "127.0.0.1", "--seed", "127.0.0.1:8080"))
                .contains("has no scheme").contains("--seed http://127.0.0.1:8080");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
}
