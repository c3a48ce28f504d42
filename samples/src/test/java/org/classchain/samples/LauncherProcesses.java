package org.classchain.samples;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** What the *IT tests that run the launcher as processes share: a temp dir and the processes, killed after each test. */
abstract class LauncherProcesses {

    @TempDir
    Path tmp;

    PeerProcesses processes;

    @AfterEach
    void killAll() {
        if (processes != null) {
            processes.close();
        }
    }
}
