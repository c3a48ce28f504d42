package org.classchain.mods.host;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JdkProcessesTest {

    @Test
    void commandsAreNamedByTheirExecutableFile() {
        assertThat(JdkProcesses.basename("/usr/lib/firefox/firefox")).isEqualTo("firefox");
        assertThat(JdkProcesses.basename("/usr/lib/firefox/firefox (deleted)")).as("upgraded while running").isEqualTo("firefox");
        assertThat(JdkProcesses.basename("C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe")).isEqualTo("chrome.exe");
        assertThat(JdkProcesses.basename("/Applications/Google Chrome.app/Contents/MacOS/Google Chrome")).isEqualTo("Google Chrome");
        assertThat(JdkProcesses.basename("sleep")).isEqualTo("sleep");
    }

    @Test
    void neverListsThisJvm() {
        assertThat(new JdkProcesses().processes()).noneMatch(p -> p.pid() == ProcessHandle.current().pid());
        assertThat(new JdkProcesses().kill(ProcessHandle.current().pid())).isFalse();
    }
}
