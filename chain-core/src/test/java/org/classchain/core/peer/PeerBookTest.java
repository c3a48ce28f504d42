package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.classchain.PeerInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerBookTest {

    private static PeerInfo at(String address) {
        return new PeerInfo("n-" + address, address, false, List.of(), Instant.EPOCH, List.of(), null,
                address.endsWith("1") ? List.of("52:54:00:12:34:56") : List.of());
    }

    @Test
    void theAddressesKeptAreTheOnesReadAtTheNextStart(@TempDir Path dir) {
        new PeerBook(dir).save(List.of(at("http://127.0.0.1:9002"), at("http://127.0.0.1:9001")));
        assertThat(new PeerBook(dir).load()).containsExactly(
                new PeerBook.Known("http://127.0.0.1:9001", "n-http://127.0.0.1:9001", List.of("52:54:00:12:34:56")),
                new PeerBook.Known("http://127.0.0.1:9002", "n-http://127.0.0.1:9002", List.of()));
    }

    @Test
    void noFileNoDataDirAndBlankOrOverlongLinesGiveNothing(@TempDir Path dir) throws Exception {
        assertThat(new PeerBook(dir).load()).isEmpty();
        PeerBook none = new PeerBook(null);
        none.save(List.of(at("http://127.0.0.1:9001")));
        assertThat(none.load()).isEmpty();
        Files.writeString(dir.resolve(PeerBook.FILE), "\n  \nhttp://a:1\nhttp://a:1\n" + "x".repeat(300) + "\n",
                StandardCharsets.UTF_8);
        assertThat(new PeerBook(dir).load()).containsExactly(new PeerBook.Known("http://a:1", null, List.of()));
    }

    @Test
    void aLineOfAnAddressAloneAsWrittenBeforeNodeIdsWereKeptIsStillRead(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(PeerBook.FILE), "http://a:1\nhttp://b:2 node-b\nhttp://c:3 too many words here\n",
                StandardCharsets.UTF_8);
        assertThat(new PeerBook(dir).load()).containsExactly(new PeerBook.Known("http://a:1", null, List.of()),
                new PeerBook.Known("http://b:2", "node-b", List.of()));
    }

    @Test
    void anUnchangedRoomIsNotWrittenAgain(@TempDir Path dir) throws Exception {
        PeerBook book = new PeerBook(dir);
        book.save(List.of(at("http://127.0.0.1:9001")));
        Path file = dir.resolve(PeerBook.FILE);
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(0));
        book.save(List.of(at("http://127.0.0.1:9001")));
        assertThat(Files.getLastModifiedTime(file).toMillis()).isZero();
    }
}
