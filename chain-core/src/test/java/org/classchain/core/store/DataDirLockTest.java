package org.classchain.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class DataDirLockTest {

    @TempDir
    Path dir;

    @Test
    void aSecondAcquireInThisJvmFailsClearlyUntilTheFirstIsClosed() throws IOException {
        Path data = dir.resolve("peer");
        DataDirLock first = DataDirLock.acquire(data);
        assertThat(data.resolve(DataDirLock.FILE_NAME)).exists();
        assertThatThrownBy(() -> DataDirLock.acquire(data))
                .isInstanceOf(IOException.class)
                .hasMessage("data dir " + data.toAbsolutePath() + " is in use by another peer");
        first.close();
        first.close();
        try (DataDirLock second = DataDirLock.acquire(data)) {
            assertThat(second.dataDir()).isEqualTo(data);
        }
    }

    @Test
    void differentDirsDoNotConflict() throws IOException {
        try (DataDirLock a = DataDirLock.acquire(dir.resolve("a"));
             DataDirLock b = DataDirLock.acquire(dir.resolve("b"))) {
            assertThat(a.dataDir()).isNotEqualTo(b.dataDir());
        }
    }

    @Test
    @Timeout(60)
    void anotherProcessHoldingTheLockKeepsThisOneOut() throws Exception {
        Path data = dir.resolve("peer");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                LockHolder.class.getName(), data.toString())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo(LockHolder.LOCKED);
            assertThatThrownBy(() -> DataDirLock.acquire(data))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("is in use by another peer");
            holder.getOutputStream().close(); // the holder exits, and the OS drops its lock
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            try (DataDirLock mine = DataDirLock.acquire(data)) {
                assertThat(mine.dataDir()).isEqualTo(data);
            }
        } finally {
            holder.destroyForcibly();
        }
    }

    /** Holds a data dir lock in a child process until its stdin closes. */
    static final class LockHolder {
        static final String LOCKED = "locked";

        public static void main(String[] args) throws IOException {
            try (DataDirLock lock = DataDirLock.acquire(Path.of(args[0]))) {
                System.out.println(LOCKED + (lock.dataDir() == null ? "?" : ""));
                System.out.flush();
                while (System.in.read() >= 0) {
                    // wait for the parent to close our stdin
                }
            }
        }
    }
}
