package org.classchain.mods;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.Outcome;
import org.classchain.spi.host.DesktopService;
import org.classchain.spi.host.InboxService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class SendFileModuleTest {

    private final SendFileModule module = new SendFileModule();

    @TempDir
    Path root;
    private Path inbox;
    private TestContext context;

    @BeforeEach
    void inbox() {
        inbox = root.resolve("peer").resolve("inbox");
        context = new TestContext().with(InboxService.class, () -> inbox);
    }

    private static Map<String, String> args(String name, byte[] content) {
        return Map.of("name", name, "content", Base64.getEncoder().encodeToString(content), "sha256", sha256(content));
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private Outcome send(Map<String, String> args) throws IOException {
        return module.execute(context, TestContext.command("send-file", args));
    }

    /** Every regular file under the temporary root, relative to it. */
    private List<String> filesUnderRoot() throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile).map(p -> root.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
    }

    @Test
    void argumentTypesAreCheckedBeforeMining() {
        byte[] data = "hi".getBytes(StandardCharsets.UTF_8);
        assertThat(ArgumentSpec.problems(module.arguments(), args("a.txt", data))).isEmpty();
        // content is optional since files may come off the chain (size, root, from): execute says which form
        assertThat(ArgumentSpec.problems(module.arguments(), Map.of("name", "a.txt")))
                .anyMatch(p -> p.contains("missing argument 'sha256'"));
        assertThat(ArgumentSpec.problems(module.arguments(), Map.of("name", "a", "content", "%%%", "sha256", "abc")))
                .anyMatch(p -> p.contains("'content' is not base64"))
                .anyMatch(p -> p.contains("'sha256' is not 64 hex digits"));
    }

    @Test
    void neitherOrBothFormsAreRefusedAndTheOffChainFormNeedsAFileService() throws IOException {
        byte[] data = "hi".getBytes(StandardCharsets.UTF_8);
        assertThat(send(Map.of("name", "a.txt", "sha256", sha256(data))).detail())
                .startsWith("give either content (a small file inline) or size, root and from").endsWith("not neither");
        Map<String, String> both = new java.util.HashMap<>(args("a.txt", data));
        both.put("root", sha256(data));
        assertThat(send(both).detail()).endsWith("not both");
        Outcome noService = send(Map.of("name", "a.txt", "sha256", sha256(data), "root", sha256(data), "size", "2",
                "from", "http://127.0.0.1:1"));
        assertThat(noService.detail()).contains("cannot fetch files sent off the chain");
        assertThat(filesUnderRoot()).isEmpty();
    }

    @Test
    void savesTheVerifiedFileInTheInbox() throws IOException {
        byte[] data = "Worksheet 3\n".getBytes(StandardCharsets.UTF_8);

        Outcome o = send(args("worksheet 3.txt", data));

        Path saved = inbox.toRealPath().resolve("worksheet 3.txt");
        assertThat(o.success()).as(o.detail()).isTrue();
        assertThat(o.detail()).isEqualTo("saved " + saved + " (12 bytes)");
        assertThat(Files.readAllBytes(saved)).isEqualTo(data);
        assertThat(filesUnderRoot()).containsExactly("peer/inbox/worksheet 3.txt");
    }

    @Test
    void neverOverwritesAndNumbersTheCopies() throws IOException {
        Files.createDirectories(inbox);
        Files.writeString(inbox.resolve("notes.txt"), "the student's own notes");

        Outcome second = send(args("notes.txt", "v2".getBytes(StandardCharsets.UTF_8)));
        Outcome third = send(args("notes.txt", "v3".getBytes(StandardCharsets.UTF_8)));
        Outcome noExtension = send(args("README", "r".getBytes(StandardCharsets.UTF_8)));
        Outcome noExtension2 = send(args("README", "r2".getBytes(StandardCharsets.UTF_8)));

        assertThat(second.detail()).contains("notes (2).txt");
        assertThat(third.detail()).contains("notes (3).txt");
        assertThat(noExtension2.detail()).contains("README (2)");
        assertThat(noExtension.success()).isTrue();
        assertThat(Files.readString(inbox.resolve("notes.txt"))).isEqualTo("the student's own notes");
        assertThat(Files.readString(inbox.resolve("notes (2).txt"))).isEqualTo("v2");
        assertThat(Files.readString(inbox.resolve("notes (3).txt"))).isEqualTo("v3");
        assertThat(filesUnderRoot()).containsExactly("peer/inbox/README", "peer/inbox/README (2)",
                "peer/inbox/notes (2).txt", "peer/inbox/notes (3).txt", "peer/inbox/notes.txt");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc/passwd", "/etc/passwd", "C:\\x", "C:x", "..", ".", "...", "a/../../b",
        "dir/file.txt", "..\\..\\boot.ini", "a\u0000.txt", "a\u0000/../../x", ".hidden", ".bashrc", "tab\there",
        "new\nline", "bell\u0007", "evil\u202Etxt.exe", "CON", "nul.txt", "trailing.", "trailing ", " leading",
        "", "what?.txt", "pipe|name", "star*.txt", "quote\".txt"})
    @Timeout(10)
    void refusesHostileNamesAndWritesNothing(String name) throws IOException {
        Outcome o = send(args(name, "pwned".getBytes(StandardCharsets.UTF_8)));

        assertThat(o.success()).isFalse();
        assertThat(o.detail()).startsWith("refused file name: ");
        assertThat(filesUnderRoot()).isEmpty();
        assertThat(Files.exists(Path.of("/etc/passwd.part"))).isFalse();
    }

    @Test
    void overlongNamesAreRefused() throws IOException {
        assertThat(send(args("a".repeat(121), new byte[1])).detail()).contains("longer than 120");
        assertThat(send(args("é".repeat(101), new byte[1])).success()).as("over 200 UTF-8 bytes").isFalse();
        assertThat(send(args("a".repeat(120), new byte[1])).success()).isTrue();
    }

    @Test
    void aWrongChecksumSavesNothing() throws IOException {
        byte[] data = "payload".getBytes(StandardCharsets.UTF_8);
        Map<String, String> args = Map.of("name", "a.txt", "content", Base64.getEncoder().encodeToString(data),
                "sha256", sha256("other".getBytes(StandardCharsets.UTF_8)));

        Outcome o = send(args);

        assertThat(o.success()).isFalse();
        assertThat(o.detail()).contains("checksum mismatch");
        assertThat(filesUnderRoot()).isEmpty();
    }

    @Test
    void anOversizePayloadIsRefused() throws IOException {
        byte[] limit = new byte[SendFileModule.MAX_BYTES];
        byte[] over = new byte[SendFileModule.MAX_BYTES + 1];

        Outcome tooBig = send(args("big.bin", over));
        Outcome hugeEncoding = send(Map.of("name", "big.bin", "content", "A".repeat(4 * 1024 * 1024), "sha256", sha256(over)));

        assertThat(tooBig.success()).isFalse();
        assertThat(tooBig.detail()).contains("larger than 256 KiB");
        assertThat(hugeEncoding.detail()).contains("larger than 256 KiB");
        assertThat(filesUnderRoot()).isEmpty();
        assertThat(send(args("limit.bin", limit)).success()).isTrue();
        assertThat(Files.size(inbox.resolve("limit.bin"))).isEqualTo(SendFileModule.MAX_BYTES);
    }

    @Test
    void anInboxReachedThroughALinkStillHoldsTheFile() throws IOException {
        Path real = Files.createDirectories(root.resolve("real-inbox"));
        Files.createDirectories(inbox.getParent());
        Files.createSymbolicLink(inbox, real);
        Outcome o = send(args("a.txt", new byte[] {1}));
        assertThat(o.detail()).contains(real.toRealPath().resolve("a.txt").toString());
        assertThat(filesUnderRoot()).containsExactly("real-inbox/a.txt");
    }

    @Test
    void headlessItWorksTheSame() throws IOException {
        context.with(DesktopService.class, FakeDesktop.headless());
        assertThat(send(args("a.txt", new byte[] {1, 2})).success()).isTrue();
        assertThat(filesUnderRoot()).containsExactly("peer/inbox/a.txt");
    }

    @Test
    void copiesAreNumberedBeforeTheExtension() {
        assertThat(SendFileModule.numbered("a.tar.gz", 2)).isEqualTo("a.tar (2).gz");
        assertThat(SendFileModule.numbered("a", 3)).isEqualTo("a (3)");
        assertThat(SendFileModule.numbered("a.txt", 1)).isEqualTo("a.txt");
    }
}
