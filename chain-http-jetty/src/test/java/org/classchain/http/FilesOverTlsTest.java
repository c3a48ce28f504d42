package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.classchain.core.files.ChunkStore;
import org.classchain.core.files.Fetcher;
import org.classchain.core.files.FileRef;
import org.classchain.spi.host.FileTransferService;
import org.classchain.wire.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files fetched over the transport's own client (issue 18): over https with the classroom
 * keystore, a teacher's peer and a student's, and a file of several chunks arrives checked; a
 * peer without the keystore cannot fetch from an https peer and says why.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class FilesOverTlsTest {

    static final String PASSWORD = "classroom-keystore-pw";
    static final Fetcher.Settings SETTINGS = new Fetcher.Settings(4, Duration.ofSeconds(5), Duration.ofMillis(200));

    @TempDir
    Path tmp;

    private static CompletableFuture<Message> refuse(String from, Message request) {
        return CompletableFuture.completedFuture(Message.Rejected.of(404, "no chain here"));
    }

    @Test
    void aStudentFetchesAFileFromTheTeachersPeerOverHttps() throws Exception {
        Path keystore = Keystores.generate(tmp.resolve("classroom.p12"), PASSWORD);
        byte[] bytes = new byte[3 * FileRef.MIN_CHUNK * 4 + 77];
        new Random(18).nextBytes(bytes);
        Path source = tmp.resolve("worksheet.pdf");
        Files.write(source, bytes);
        List<String> notices = new CopyOnWriteArrayList<>();
        try (ChunkStore teacherStore = new ChunkStore(tmp.resolve("teacher"));
             JettyTransport teacher = JettyTransport.builder().tls(keystore, PASSWORD).files(teacherStore).build();
             ChunkStore studentStore = new ChunkStore(tmp.resolve("student"));
             JettyTransport student = JettyTransport.builder().tls(keystore, PASSWORD).files(studentStore).build();
             HttpFileTransfers files = new HttpFileTransfers(() -> student, studentStore, List::of, SETTINGS,
                     (src, what) -> notices.add("charged " + src), (title, text) -> notices.add(title),
                     (inbox, name, complete) -> complete)) {
            teacher.start(FilesOverTlsTest::refuse);
            student.start(FilesOverTlsTest::refuse);
            assertThat(teacher.localAddress()).startsWith("https://");
            FileRef ref = teacherStore.importFile(source, "worksheet.pdf", FileRef.MIN_CHUNK).ref();
            FileTransferService.FileOrder order = new FileTransferService.FileOrder(ref.name(), ref.size(),
                    ref.sha256().hex(), ref.root().hex(), ref.chunkSize(), teacher.localAddress());

            FileTransferService.Received got = files.deliver(order, tmp.resolve("inbox"), (held, size) -> { })
                    .get(60, TimeUnit.SECONDS);

            assertThat(Files.readAllBytes(got.saved())).isEqualTo(bytes);
            assertThat(got.summary()).contains("SHA-256 OK");
            assertThat(notices).containsExactly("File received");
        }
    }

    @Test
    void aPeerWithoutTheKeystoreCannotFetchOverHttpsAndSaysWhy() throws Exception {
        Path keystore = Keystores.generate(tmp.resolve("classroom.p12"), PASSWORD);
        Path source = tmp.resolve("a.bin");
        Files.write(source, new byte[FileRef.MIN_CHUNK + 1]);
        try (ChunkStore teacherStore = new ChunkStore(tmp.resolve("teacher"));
             JettyTransport teacher = JettyTransport.builder().tls(keystore, PASSWORD).files(teacherStore).build();
             ChunkStore studentStore = new ChunkStore(tmp.resolve("student"));
             JettyTransport student = JettyTransport.builder().files(studentStore).build();
             HttpFileTransfers files = new HttpFileTransfers(() -> student, studentStore, List::of,
                     new Fetcher.Settings(2, Duration.ZERO, Duration.ofMillis(50)), (src, what) -> { },
                     (title, text) -> { }, (inbox, name, complete) -> complete)) {
            teacher.start(FilesOverTlsTest::refuse);
            student.start(FilesOverTlsTest::refuse);
            FileRef ref = teacherStore.importFile(source, "a.bin", FileRef.MIN_CHUNK).ref();
            FileTransferService.FileOrder order = new FileTransferService.FileOrder(ref.name(), ref.size(),
                    ref.sha256().hex(), ref.root().hex(), ref.chunkSize(), teacher.localAddress());

            assertThatThrownBy(() -> files.deliver(order, tmp.resolve("inbox"), (held, size) -> { }).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("--tls-keystore");
        }
    }
}
